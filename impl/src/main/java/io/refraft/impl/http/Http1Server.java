package io.refraft.impl.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server: one platform thread accepts, each connection is served by its own virtual
 * thread that reads a request, runs the {@link Handler}, writes the answer and reads the next
 * (persistent connections and pipelined requests, answered in order, RFC 9112 §9.3). Blocking socket
 * I/O on a virtual thread parks the thread instead of holding a carrier, so a slow client or a
 * handler waiting for a Raft commit costs only its stack.
 *
 * <p>A refused request ({@link HttpException}: malformed 400, too long 414/431, too large 413,
 * unsupported 417/501/505) is answered with {@code {"error": reason}} and the connection closed; so
 * is a request whose handler threw or sent nothing (500).
 *
 * <p>With {@link HttpTls}, every connection is TLS 1.3 (optionally requiring a client certificate
 * the given CA signed): a connection whose first byte is not a TLS handshake record gets a plain
 * 400 saying so and is closed; a failed TLS handshake (untrusted, expired or missing client
 * certificate) is closed. Both are logged and counted ({@link #tlsRefusals()}).
 */
public final class Http1Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Http1Server.class);
  /** At most this much of a refused request's unread body is read and dropped before closing. */
  private static final long MAX_DISCARD = 8L << 20;
  /** The first byte of every TLS connection: a handshake record (RFC 8446 §5.1). */
  private static final int TLS_HANDSHAKE_RECORD = 0x16;
  private static final byte[] PLAINTEXT_ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
      + "Connection: close\r\nContent-Length: 56\r\n\r\n{\"error\":\"this port speaks HTTPS: use an https:// URL\"}\n")
      .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final String name;
  private final ServerSocket listener;
  private final HttpLimits limits;
  private final Optional<HttpTls> tls;
  private final LongAdder plaintextRefused = new LongAdder();
  private final LongAdder handshakesFailed = new LongAdder();
  /** Remote hosts whose TLS failure was logged at WARN; repeats go to DEBUG. */
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;

  private Http1Server(String name, ServerSocket listener, HttpLimits limits, Optional<HttpTls> tls) {
    this.name = name;
    this.listener = listener;
    this.limits = limits;
    this.tls = tls;
  }

  /** Binds {@code address} (port 0: any free port); nothing is served before {@link #start}. */
  public static Http1Server bind(String name, InetSocketAddress address, HttpLimits limits) throws IOException {
    return bind(name, address, limits, Optional.empty());
  }

  /** {@link #bind(String, InetSocketAddress, HttpLimits)}, serving HTTPS when {@code tls} is present. */
  public static Http1Server bind(String name, InetSocketAddress address, HttpLimits limits, Optional<HttpTls> tls)
      throws IOException {
    Objects.requireNonNull(tls, "tls");
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(address, 1024);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return new Http1Server(name, s, Objects.requireNonNull(limits, "limits"), tls);
  }

  /** The bound address, with the real port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** Whether the server speaks HTTPS. */
  public boolean tls() {
    return tls.isPresent();
  }

  /** Connections refused on an HTTPS port so far: plaintext ones, and failed TLS handshakes. */
  public TlsRefusals tlsRefusals() {
    return new TlsRefusals(plaintextRefused.sum(), handshakesFailed.sum());
  }

  /**
   * @param plaintext     connections that did not start with a TLS handshake
   * @param handshake     TLS handshakes that failed (client certificate missing, untrusted or expired,
   *                      or the client refused the server's)
   */
  public record TlsRefusals(long plaintext, long handshake) {}

  /** Starts accepting connections and answering their requests with {@code handler}. */
  public void start(Handler handler) {
    Objects.requireNonNull(handler, "handler");
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("already started");
    }
    Thread.ofPlatform().name("http-accept-" + name).daemon().start(() -> acceptLoop(handler));
  }

  private void acceptLoop(Handler handler) {
    Thread.Builder connections = Thread.ofVirtual().name("http-" + name + "-", 0);
    while (!closed) {
      Socket s;
      try {
        s = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("{}: accept failed: {}", name, e.toString());
          pause(); // e.g. out of file descriptors: do not spin
        }
        continue;
      }
      open.add(s);
      if (closed) { // close() may have run between accept and add: it would not see s
        closeQuietly(s);
        return;
      }
      connections.start(() -> serve(s, handler));
    }
  }

  private void serve(Socket raw, Handler handler) {
    try (raw) {
      raw.setTcpNoDelay(true);
      raw.setSoTimeout(limits.idleTimeoutMs());
      Socket socket = tls.isPresent() ? handshake(raw, tls.get()) : raw;
      if (socket == null) {
        return;
      }
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      RequestReader reader = new RequestReader(in, out, limits);
      Response response = new Response(out);
      while (true) {
        Request request;
        try {
          request = reader.next();
        } catch (HttpException e) {
          refuse(socket, reader, response, e);
          return;
        }
        if (request == null) {
          return;
        }
        response.reset(request);
        answer(handler, request, response);
        if (!response.keepAlive()) {
          return;
        }
      }
    } catch (EOFException | SocketException e) {
      // the client went away or close() closed the socket: nothing to answer
    } catch (IOException e) {
      LOG.debug("{}: connection from {} ended: {}", name, raw.getRemoteSocketAddress(), e.toString());
    } finally {
      open.remove(raw);
    }
  }

  /**
   * The server side of a TLS handshake; null (after answering, logging and counting) when the
   * client speaks plaintext or the handshake fails. The first byte is read unbuffered so that the
   * TLS engine is handed exactly what was consumed.
   */
  private SSLSocket handshake(Socket raw, HttpTls t) throws IOException {
    int first = raw.getInputStream().read();
    if (first < 0) {
      return null;
    }
    if (first != TLS_HANDSHAKE_RECORD) {
      plaintextRefused.increment();
      warnOnce(raw, "refused a plaintext connection from {} on an HTTPS port (first byte 0x{}; use https://)",
          String.format("%02x", first));
      raw.getOutputStream().write(PLAINTEXT_ANSWER);
      raw.shutdownOutput();
      return null;
    }
    SSLSocket s = (SSLSocket) t.context().getSocketFactory()
        .createSocket(raw, new java.io.ByteArrayInputStream(new byte[] {(byte) first}), true);
    s.setUseClientMode(false);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.setNeedClientAuth(t.clientAuth());
    try {
      s.startHandshake();
      return s;
    } catch (SSLException e) {
      handshakesFailed.increment();
      warnOnce(raw, "refused a TLS connection from {}: {}", describe(e));
      return null;
    }
  }

  private void warnOnce(Socket raw, String format, String detail) {
    String host = String.valueOf(raw.getInetAddress());
    if (warned.add(host + " " + format)) {
      LOG.warn("{}: " + format + " (repeats from this host logged at DEBUG)", name, raw.getRemoteSocketAddress(), detail);
    } else {
      LOG.debug("{}: " + format, name, raw.getRemoteSocketAddress(), detail);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e || root.getMessage() == null ? e.getMessage() : e.getMessage() + " (" + root.getMessage() + ")";
  }

  private void answer(Handler handler, Request request, Response response) throws IOException {
    try {
      handler.handle(request, response);
    } catch (RuntimeException e) {
      LOG.warn("{}: {} {} failed", name, request.method(), request.path(), e);
      if (!response.sent()) {
        response.reset(request);
        response.refuse(new HttpException(500, "internal error: " + e));
      }
      return;
    }
    if (!response.sent()) {
      LOG.warn("{}: {} {} was not answered", name, request.method(), request.path());
      response.refuse(new HttpException(500, "internal error: the handler sent no response"));
    }
  }

  /**
   * Answers, half-closes (so the client reads the answer and EOF), then drops the rest of a declared
   * body so that closing does not reset the connection and lose the answer.
   */
  private static void refuse(Socket socket, RequestReader reader, Response response, HttpException e)
      throws IOException {
    response.resetForRefusal();
    response.refuse(e);
    socket.shutdownOutput();
    reader.discard(Math.min(e.unreadBody(), MAX_DISCARD));
  }

  /** Stops accepting and closes every connection; requests in progress fail. Idempotent. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing: nothing left to do with the error
    }
  }
}
