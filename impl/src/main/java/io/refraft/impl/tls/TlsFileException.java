package io.refraft.impl.tls;

import java.io.Serial;
import java.nio.file.Path;

/** A certificate, key or CA file cannot be used; the message names the file and what is wrong. */
public final class TlsFileException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  public TlsFileException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
