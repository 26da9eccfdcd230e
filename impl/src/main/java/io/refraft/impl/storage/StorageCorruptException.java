package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Durable state is damaged in a way that a crash cannot explain, so starting would risk losing
 * acknowledged entries or votes. The message names the file and byte offset.
 */
public final class StorageCorruptException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;

  public StorageCorruptException(Path file, long offset, String message) {
    super(message);
    this.file = file;
    this.offset = offset;
  }

  /** The damaged file. */
  public Path file() {
    return file;
  }

  /** Byte offset of the damage within {@link #file()}. */
  public long offset() {
    return offset;
  }
}
