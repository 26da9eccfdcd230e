package io.refraft.spec.explore;

import java.util.Arrays;

/**
 * Growable byte buffers with unsigned LEB128 varints: the model's numbers (terms, indexes,
 * counts) are small, so most take one byte.
 */
final class Bytes {
  private Bytes() {}

  /** An append-only buffer. */
  static final class Writer {
    private byte[] buf;
    private int size;

    Writer(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    int size() {
      return size;
    }

    byte[] array() {
      return buf;
    }

    void reset() {
      size = 0;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void put(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    void putBytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, size, len);
      size += len;
    }

    /** A non-negative number as an unsigned varint. */
    void varint(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative varint " + v);
      }
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[size++] = (byte) (v >>> (56 - 8 * i));
      }
    }
  }

  /** A cursor over bytes written by a {@link Writer}. */
  static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf, int from, int end) {
      this.buf = buf;
      this.pos = from;
      this.end = end;
    }

    int position() {
      return pos;
    }

    boolean hasMore() {
      return pos < end;
    }

    int get() {
      if (pos >= end) {
        throw new IllegalStateException("truncated encoding at byte " + pos);
      }
      return buf[pos++] & 0xFF;
    }

    byte[] bytes(int len) {
      if (len < 0 || pos + len > end) {
        throw new IllegalStateException("truncated encoding at byte " + pos);
      }
      byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
      pos += len;
      return out;
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
      throw new IllegalStateException("varint too long at byte " + pos);
    }

    int int32() {
      long v = varint();
      if (v > Integer.MAX_VALUE) {
        throw new IllegalStateException("count " + v + " too large at byte " + pos);
      }
      return (int) v;
    }

    long fixed64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | get();
      }
      return v;
    }
  }
}
