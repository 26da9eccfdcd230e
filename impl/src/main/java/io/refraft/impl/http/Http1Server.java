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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
public final class Http1Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Http1Server.class);
  /** At most this much of a refused request's unread body is read and dropped before closing. */
  private static final long MAX_DISCARD = 8L << 20;

  private final String name;
  private final ServerSocket listener;
  private final HttpLimits limits;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;

  private Http1Server(String name, ServerSocket listener, HttpLimits limits) {
    this.name = name;
    this.listener = listener;
    this.limits = limits;
  }

  /** Binds {@code address} (port 0: any free port); nothing is served before {@link #start}. */
  public static Http1Server bind(String name, InetSocketAddress address, HttpLimits limits) throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(address, 1024);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    return new Http1Server(name, s, Objects.requireNonNull(limits, "limits"));
  }

  /** The bound address, with the real port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

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

  private void serve(Socket socket, Handler handler) {
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(limits.idleTimeoutMs());
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
      LOG.debug("{}: connection from {} ended: {}", name, socket.getRemoteSocketAddress(), e.toString());
    } finally {
      open.remove(socket);
    }
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
