package io.refraft.impl.storage;

import java.io.IOException;
import java.io.Serial;
import java.nio.file.Path;

/**
 * A write found no space on its file system (ENOSPC, or EDQUOT for a quota). Unlike any other
 * {@link IOException} of a {@link Storage}, it leaves the storage usable: nothing was made visible
 * that a recovery would misread, what was not written stays buffered, and the same {@code sync} can
 * be called again once space returns. An fsync that fails is never this: after a failed fsync the
 * kernel may have dropped the dirty pages, so a retry could report success for lost data
 * (PostgreSQL's "fsyncgate", 2018).
 */
public final class DiskFullException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient Path path;

  public DiskFullException(Path path, IOException cause) {
    super(path + ": " + cause.getMessage(), cause);
    this.path = path;
  }

  /** The file the write was for. */
  public Path path() {
    return path;
  }

  /** Whether {@code e} is the kernel's "no space" (ENOSPC) or "quota exceeded" (EDQUOT), as the JDK words them. */
  public static boolean isNoSpace(IOException e) {
    String m = e.getMessage();
    return m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
  }
}
