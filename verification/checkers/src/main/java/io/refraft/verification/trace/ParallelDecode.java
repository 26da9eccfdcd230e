package io.refraft.verification.trace;

import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Decodes a large trace file on several threads: a cutter thread reads it in chunks of whole lines,
 * a pool decodes the chunks (lines are independent), and {@link #next} hands out the steps in file
 * order, checking what spans lines (seq numbering) as it goes. Errors surface at their line, after
 * the steps before them. Memory: at most {@code 2 × threads} chunks of about 1 MiB in flight.
 */
final class ParallelDecode implements StepStream {
  static final int CHUNK = 1 << 20;
  /** Room in a buffer beyond its chunk, for the start of the line cut off at the end of the one before. */
  private static final int SLACK = 64 << 10;

  private record Chunk(List<TraceStep> steps, long[] lines, Exception error, boolean end) {}

  private final String file;
  private final TraceReader order;
  private final InputStream in;
  private final ExecutorService pool;
  private final BlockingQueue<Future<Chunk>> queue;
  private final Thread cutter;
  private final int chunk;
  /**
   * Buffers whose chunk is decoded, for the cutter to fill again: a chunk's steps hold no reference
   * to its bytes, and a fresh 1 MiB array per chunk is a large-object allocation for the collector
   * (G1's humongous regions) 600 times per 600 MB trace.
   */
  private final BlockingQueue<byte[]> free;
  private Chunk current;
  private int next;
  private long line;
  private boolean done;
  private static final int MAX_HEADER = TraceReader.MAX_HEADER;

  /**
   * Opens {@code path} and reads its header (a self-contained trace or a per-node file); the steps
   * are cut into chunks of about {@code chunk} bytes.
   */
  ParallelDecode(Path path, int threads, int chunk) throws IOException, TraceFormatException {
    this.file = path.toString();
    this.chunk = chunk;
    // Buffered: the header is read up to its newline and the cutter goes on from there, on the same stream.
    this.in = new java.io.BufferedInputStream(Files.newInputStream(path), 1 << 16);
    byte[] first;
    try {
      first = firstLine(in);
    } catch (TraceFormatException e) {
      in.close();
      throw new TraceFormatException(file, 1, e.reason());
    }
    this.order = new TraceReader(file, new ByteArrayInputStream(first));
    this.pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon().name("trace-decode").unstarted(r));
    this.queue = new ArrayBlockingQueue<>(2 * threads);
    this.free = new ArrayBlockingQueue<>(4 * threads);
    TraceHeader h = order.header();
    this.cutter = Thread.ofPlatform().daemon().name("trace-cutter").start(() -> cut(h));
  }

  TraceHeader header() {
    return order.header();
  }

  @Override
  public String file() {
    return file;
  }

  @Override
  public long line() {
    return line;
  }

  @Override
  public TraceStep next() throws IOException, TraceFormatException {
    while (!done) {
      if (current != null && next < current.steps().size()) {
        line = current.lines()[next];
        TraceStep s = current.steps().get(next++);
        order.checkOrder(s, line);
        return s;
      }
      if (current != null && (current.error() != null || current.end())) {
        done = true;
        Prefetch.rethrow(current.error());
        return null;
      }
      current = take();
      next = 0;
    }
    return null;
  }

  private Chunk take() throws IOException {
    try {
      return queue.take().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + file, e);
    } catch (ExecutionException e) {
      return new Chunk(List.of(), new long[0], (Exception) e.getCause(), true);
    }
  }

  /**
   * The header line with its newline when it has one, read byte by byte so the stream stays at the
   * first step. The newline is kept so that the reader tells a header broken inside its line from
   * a file that ends inside it, as the streaming reader does. A header is a few hundred bytes:
   * one longer than {@link TraceReader#MAX_HEADER} is refused without reading the rest of it.
   */
  private static byte[] firstLine(InputStream in) throws IOException, TraceFormatException {
    byte[] buf = new byte[4096];
    int n = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (n == MAX_HEADER) {
        throw new TraceFormatException("", 1, TraceReader.headerTooLong(buf));
      }
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, n * 2);
      }
      buf[n++] = (byte) b;
      if (b == '\n') {
        break;
      }
    }
    return Arrays.copyOf(buf, n);
  }

  private void cut(TraceHeader h) {
    try {
      byte[] carry = new byte[0];
      long firstLine = 2;
      while (true) {
        int limit = carry.length + Math.max(chunk, carry.length); // a line longer than a chunk: double
        byte[] buf = buffer(limit);
        System.arraycopy(carry, 0, buf, 0, carry.length);
        int n = carry.length;
        int r;
        while (n < limit && (r = in.read(buf, n, limit - n)) > 0) {
          n += r;
        }
        boolean eof = n < limit;
        int cut = eof ? n : lastNewline(buf, n) + 1;
        if (cut == 0 && !eof) { // a line longer than a chunk: read on
          carry = Arrays.copyOf(buf, n);
          continue;
        }
        carry = Arrays.copyOfRange(buf, cut, n);
        byte[] lines = buf;
        int len = cut;
        long start = firstLine;
        firstLine += count(buf, cut);
        if (len > 0) { // nothing is left when the chunk before ended where the file does
          queue.put(pool.submit(() -> decode(h, lines, len, start, false)));
        }
        if (eof) {
          queue.put(CompletableFuture.completedFuture(new Chunk(List.of(), new long[0], null, true)));
          return;
        }
      }
    } catch (InterruptedException | java.util.concurrent.RejectedExecutionException e) {
      // closed early (a divergence): stop reading; the pool may already be shut down
    } catch (IOException e) {
      queue.offer(CompletableFuture.completedFuture(new Chunk(List.of(), new long[0], e, true)));
    }
  }

  /** A buffer of at least {@code size} bytes: a recycled one when it is large enough. */
  private byte[] buffer(int size) {
    byte[] b = free.poll();
    return b != null && b.length >= size ? b : new byte[Math.max(size, chunk + Math.min(chunk, SLACK))];
  }

  private Chunk decode(TraceHeader h, byte[] buf, int len, long firstLine, boolean end) {
    List<TraceStep> steps = new ArrayList<>(len / 256);
    long[] lines = new long[Math.max(16, len / 64)];
    try (TraceReader r = TraceReader.ofLines(file, h, buf, len, firstLine)) {
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        if (steps.size() == lines.length) {
          lines = Arrays.copyOf(lines, lines.length * 2);
        }
        lines[steps.size()] = r.line();
        steps.add(s);
      }
      free.offer(buf);
      return new Chunk(steps, lines, null, end);
    } catch (IOException | TraceFormatException | RuntimeException e) {
      return new Chunk(steps, lines, e, true);
    }
  }

  private static int lastNewline(byte[] buf, int n) {
    for (int i = n - 1; i >= 0; i--) {
      if (buf[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static long count(byte[] buf, int n) {
    long c = 0;
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        c++;
      }
    }
    return c;
  }

  @Override
  public void close() throws IOException {
    cutter.interrupt();
    pool.shutdownNow();
    try {
      cutter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
    order.close();
  }
}
