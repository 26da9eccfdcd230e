package io.refraft.spec;

/**
 * A snapshot's metadata (thesis §5.1, Figure 5.1): the last entry it replaces and what the state
 * machine holds after applying entries 1..{@code index}. The state machine's bytes are the
 * driver's business; the spec sees them only through {@code digest}.
 *
 * <p>{@code digest} is the 64-bit FNV-1a hash of the canonical encoding of entries 1..{@code index},
 * in order (the empty prefix hashes to the FNV-1a offset basis): for each entry its term as 8 bytes
 * big-endian, one byte of type (0 no-op, 1 data, 2 configuration: {@link Membership#canonicalBytes}),
 * the payload's length as 4 bytes big-endian and
 * the payload's bytes. It stands for the state machine's content: two snapshots of one index agree
 * exactly when their digests do (up to hash collisions), so a checker compares a snapshot with the
 * committed log it replaced without the state machine (traces/FORMAT.md gives the same definition).
 *
 * <p>Invariants: {@code index >= 0}, {@code term >= 0}, and {@code term} is 0 exactly when
 * {@code index} is.
 *
 * @param index  lastIncludedIndex: the last entry the snapshot replaces, 0 for none
 * @param term   lastIncludedTerm: that entry's term
 * @param digest the digest of entries 1..index
 * @param membership the configuration of entries 1..index (thesis §5.1: a snapshot carries the
 *     latest configuration it replaces): that of its last configuration entry; empty when they hold
 *     none, so the cluster's initial configuration ({@link Config#members}) still holds
 */
public record Snapshot(long index, long term, long digest, java.util.Optional<Membership> membership) {
  /** The FNV-1a 64-bit offset basis: the digest of no entry. */
  public static final long EMPTY_DIGEST = 0xcbf29ce484222325L;

  private static final long FNV_PRIME = 0x100000001b3L;

  /** No snapshot: the log starts at index 1. */
  public static final Snapshot NONE = new Snapshot(0, 0, EMPTY_DIGEST);

  /** A snapshot of entries that hold no configuration entry. */
  public Snapshot(long index, long term, long digest) {
    this(index, term, digest, java.util.Optional.empty());
  }

  public Snapshot {
    java.util.Objects.requireNonNull(membership, "membership");
    if (index == 0 && membership.isPresent()) {
      throw new IllegalArgumentException("an empty snapshot holds no configuration");
    }
    if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
      throw new IllegalArgumentException("a snapshot needs index >= 0 and term >= 0, term 0 exactly for index 0, got"
          + " index " + index + ", term " + term);
    }
  }

  /** The digest of a prefix whose digest is {@code digest}, extended by {@code e}. */
  public static long extend(long digest, Entry e) {
    long h = digest;
    h = mixLong(h, e.term());
    h = switch (e.payload()) {
      case Payload.NoOp n -> mixInt(mixByte(h, 0), 0);
      case Payload.Data d -> {
        long x = mixInt(mixByte(h, 1), d.length());
        for (int i = 0; i < d.length(); i++) {
          x = mixByte(x, d.byteAt(i));
        }
        yield x;
      }
      case Payload.Configuration c -> {
        byte[] b = c.membership().canonicalBytes();
        long x = mixInt(mixByte(h, 2), b.length);
        for (byte v : b) {
          x = mixByte(x, v);
        }
        yield x;
      }
    };
    return h;
  }

  private static long mixByte(long h, int b) {
    return (h ^ (b & 0xff)) * FNV_PRIME;
  }

  private static long mixInt(long h, int v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      h = mixByte(h, v >>> shift);
    }
    return h;
  }

  private static long mixLong(long h, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      h = mixByte(h, (int) (v >>> shift));
    }
    return h;
  }

  @Override
  public String toString() {
    return index == 0 ? "none" : "snap(" + index + ":" + term + ")";
  }
}
