package io.refraft.impl.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A TCP relay on loopback between a dialer and an acceptor, so a test can cut the connection for
 * real ({@link #dropAll}): both sockets are closed, bytes in flight are lost and the dialer must
 * reconnect, through the relay again.
 */
final class DropProxy implements AutoCloseable {
  private final ServerSocket server;
  private final Supplier<InetSocketAddress> target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();

  /** {@code target} is asked at each connection, so the relay may exist before its target is bound. */
  DropProxy(Supplier<InetSocketAddress> target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("drop-proxy-accept").start(this::acceptLoop);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  /** Connections relayed so far. */
  int accepted() {
    return accepted.get();
  }

  /** Closes every relayed connection now. */
  void dropAll() {
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    dropAll();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket();
        out.connect(target.get(), 1000);
        sockets.add(in);
        sockets.add(out);
        accepted.incrementAndGet();
        Thread.ofPlatform().daemon().name("drop-proxy-up").start(() -> pump(in, out));
        Thread.ofPlatform().daemon().name("drop-proxy-down").start(() -> pump(out, in));
      } catch (IOException e) {
        // closed, or the target refused: the dialer tries again
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[64 << 10];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // dropped
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already closed
    }
  }
}
