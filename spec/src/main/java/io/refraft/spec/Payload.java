package io.refraft.spec;

import java.util.Arrays;

/**
 * What a log entry carries. New kinds (cluster configurations, snapshots markers) arrive as new
 * permitted subtypes; every switch over payloads is exhaustive, so the compiler finds each place
 * that must handle them.
 */
public sealed interface Payload permits Payload.NoOp, Payload.Data, Payload.Configuration {

  /** The entry a new leader appends at the start of its term so it can commit earlier ones (§5.4.2, §8). */
  record NoOp() implements Payload {
    @Override
    public String toString() {
      return "noop";
    }
  }

  /** The shared no-op payload. */
  NoOp NOOP = new NoOp();

  /**
   * A cluster configuration (thesis §4.1): the whole configuration the entry moves to, not a delta,
   * so a server knows its configuration from its latest configuration entry alone.
   */
  record Configuration(Membership membership) implements Payload {
    public Configuration {
      java.util.Objects.requireNonNull(membership, "membership");
    }

    @Override
    public String toString() {
      return "conf" + membership;
    }
  }

  /**
   * A client command as opaque bytes. Immutable: {@link #of} copies its argument, {@link #wrap}
   * takes ownership of it (the caller promises never to change it), and the bytes are only ever
   * handed out as copies.
   */
  final class Data implements Payload {
    private final byte[] bytes;

    private Data(byte[] bytes) {
      this.bytes = bytes;
    }

    /** A payload holding a copy of {@code bytes}. */
    public static Data of(byte... bytes) {
      return new Data(bytes.clone());
    }

    /** A payload that takes ownership of {@code bytes}, which must never be changed afterwards. */
    public static Data wrap(byte[] bytes) {
      return new Data(bytes);
    }

    public int length() {
      return bytes.length;
    }

    public byte byteAt(int i) {
      return bytes[i];
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
      return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
      System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
      return o == this || (o instanceof Data d && Arrays.equals(bytes, d.bytes));
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      if (bytes.length == 1) {
        return "v" + bytes[0];
      }
      StringBuilder sb = new StringBuilder("0x");
      for (int i = 0; i < Math.min(bytes.length, 16); i++) {
        sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
      }
      return bytes.length > 16 ? sb.append("…(").append(bytes.length).append(" bytes)").toString() : sb.toString();
    }
  }
}
