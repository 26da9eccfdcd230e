package io.refraft.spec.explore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stopped run, enough to continue it: what it checks (its identity), its counters, the seen set
 * with parents, and the frontier (the states of the level being expanded not yet claimed, and the
 * next level so far). Taken at a pause, when no worker is between claiming a chunk and finishing
 * it, so every state is either expanded with all its successors recorded or still queued.
 *
 * <p>The format is private to this build (the identity names the build): a magic line, then
 * varints and raw chunks, then an end mark, so a truncated file is refused rather than half read.
 */
public final class Checkpoint {
  private static final long MAGIC = 0x5245465241465443L; // "REFRAFTC"
  private static final long END = 0x454E44434B50544EL;
  private static final int VERSION = 1;

  /** Receives the bytes of a checkpoint (the command line writes them to a file). */
  public interface Sink {
    void write(byte[] b, int off, int len);
  }

  /**
   * Where checkpoints go: {@code save} hands {@code content} a sink and keeps what it wrote only
   * once it is all written (the command line writes a temporary file and renames it over the last).
   */
  public interface Store {
    void save(java.util.function.Consumer<Sink> content);
  }

  /** Supplies the bytes of a checkpoint; returns how many it read, -1 at the end. */
  public interface Source {
    int read(byte[] b, int off, int len);
  }

  /** A checkpoint that does not belong to the run asked to continue from it. */
  public static final class Mismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Mismatch(String message) {
      super(message);
    }
  }

  /** What was read back: a run's identity, counters, seen pairs and frontier chunks. */
  record State(Map<String, String> identity, long generated, int depth, long[] pairs, List<Frontier.Chunk> current,
      List<Frontier.Chunk> next) {}

  private Checkpoint() {}

  static void write(Sink sink, Map<String, String> identity, long generated, int depth, FingerprintSet seen,
      List<Frontier.Chunk> current, List<Frontier.Chunk> next) {
    Out out = new Out(sink);
    out.w.fixed64(MAGIC);
    out.w.varint(VERSION);
    out.w.varint(identity.size());
    for (Map.Entry<String, String> e : identity.entrySet()) {
      out.string(e.getKey());
      out.string(e.getValue());
    }
    out.w.varint(generated);
    out.w.varint(depth);
    out.w.varint(seen.size());
    seen.forEach((fp, parent) -> {
      out.w.fixed64(fp);
      out.w.fixed64(parent);
      out.flushIfFull();
    });
    for (List<Frontier.Chunk> level : List.of(current, next)) {
      out.w.varint(level.size());
      for (Frontier.Chunk c : level) {
        out.w.varint(c.count());
        out.w.varint(c.data().length);
        out.w.putBytes(c.data(), 0, c.data().length);
        out.flushIfFull();
      }
    }
    out.w.fixed64(END);
    out.flush();
  }

  /** Reads a checkpoint; throws {@link Mismatch} when it is not one or is cut short. */
  static State read(Source source) {
    In in = new In(source);
    if (in.fixed64() != MAGIC) {
      throw new Mismatch("not a refraft model-checking checkpoint");
    }
    long version = in.varint();
    if (version != VERSION) {
      throw new Mismatch("checkpoint format " + version + ", this build reads " + VERSION);
    }
    Map<String, String> identity = new LinkedHashMap<>();
    long n = in.varint();
    for (long i = 0; i < n; i++) {
      identity.put(in.string(), in.string());
    }
    long generated = in.varint();
    int depth = (int) in.varint();
    long pairs = in.varint();
    if (pairs > Integer.MAX_VALUE / 2) {
      throw new Mismatch("checkpoint holds " + pairs + " states, more than one array can hold");
    }
    long[] seen = new long[(int) pairs * 2];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = in.fixed64();
    }
    List<Frontier.Chunk> current = in.chunks();
    List<Frontier.Chunk> next = in.chunks();
    if (in.fixed64() != END) {
      throw new Mismatch("checkpoint has no end mark (cut short?)");
    }
    return new State(identity, generated, depth, seen, current, next);
  }

  /** Refuses {@code found} unless it equals {@code expected}, naming the first entry that differs. */
  static void requireSame(Map<String, String> expected, Map<String, String> found) {
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String f = found.get(e.getKey());
      if (!e.getValue().equals(f)) {
        throw new Mismatch("the checkpoint is of another " + e.getKey() + ": " + (f == null ? "(none)" : f)
            + ", this run's is " + e.getValue());
      }
    }
    for (String k : found.keySet()) {
      if (!expected.containsKey(k)) {
        throw new Mismatch("the checkpoint names " + k + ", which this run does not");
      }
    }
  }

  private static final class Out {
    final Bytes.Writer w = new Bytes.Writer(1 << 20);
    final Sink sink;

    Out(Sink sink) {
      this.sink = sink;
    }

    void string(String s) {
      w.varint(s.length());
      for (int i = 0; i < s.length(); i++) {
        w.varint(s.charAt(i));
      }
    }

    void flushIfFull() {
      if (w.size() >= 1 << 20) {
        flush();
      }
    }

    void flush() {
      sink.write(w.array(), 0, w.size());
      w.reset();
    }
  }

  private static final class In {
    final Source source;
    final byte[] buf = new byte[1 << 16];
    int pos;
    int end;

    In(Source source) {
      this.source = source;
    }

    int get() {
      if (pos == end) {
        end = 0;
        pos = 0;
        while (end == 0) {
          int n = source.read(buf, 0, buf.length);
          if (n < 0) {
            throw new Mismatch("checkpoint cut short");
          }
          end = n;
        }
      }
      return buf[pos++] & 0xFF;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = get();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new Mismatch("malformed checkpoint");
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | get();
      }
      return v;
    }

    void readFully(byte[] data) {
      int k = 0;
      while (k < data.length) {
        if (pos == end) {
          data[k++] = (byte) get(); // refills the buffer
          continue;
        }
        int n = Math.min(end - pos, data.length - k);
        System.arraycopy(buf, pos, data, k, n);
        pos += n;
        k += n;
      }
    }

    String string() {
      int n = (int) varint();
      StringBuilder sb = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        sb.append((char) varint());
      }
      return sb.toString();
    }

    List<Frontier.Chunk> chunks() {
      long n = varint();
      List<Frontier.Chunk> out = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        int count = (int) varint();
        byte[] data = new byte[(int) varint()];
        readFully(data);
        out.add(new Frontier.Chunk(data, count));
      }
      return out;
    }
  }
}
