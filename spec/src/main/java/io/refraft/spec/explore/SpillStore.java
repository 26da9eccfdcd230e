package io.refraft.spec.explore;

/**
 * Where the frontier puts the states that do not fit in its memory budget, and the recovery check
 * its logs, as opaque segments written once and read back (the frontier's once, the recovery
 * check's twice). The model checker does no I/O itself: the command line supplies a store of
 * files in a temporary directory.
 *
 * <p>Obligations: {@link #write} keeps the bytes until {@link #delete}; {@link #read} returns them
 * unchanged, as often as asked; a failure (a full disk) is thrown as an unchecked exception, which stops the run.
 */
public interface SpillStore {
  /** Keeps {@code data[0, length)}; returns the handle to read it back with. */
  long write(byte[] data, int length);

  byte[] read(long handle);

  void delete(long handle);
}
