package io.refraft.verification.elle;

/**
 * Why one transaction precedes another in the dependency graph. Each type is one bit of an edge's
 * mask, so an edge carries every reason it was inferred for.
 */
public enum EdgeType {
  /** Write-write: the target installed the next version after the source's (Adya's ww). */
  WW("ww"),
  /** Write-read: the target read the source's write (Adya's wr). */
  WR("wr"),
  /** Read-write anti-dependency: the target overwrote the version the source read (Adya's rw). */
  RW("rw"),
  /** The same client process ran the source before the target. */
  PROCESS("process"),
  /** The source completed before the target was invoked. */
  REALTIME("realtime");

  private final String elleName;

  EdgeType(String elleName) {
    this.elleName = elleName;
  }

  public String elleName() {
    return elleName;
  }

  int bit() {
    return 1 << ordinal();
  }
}
