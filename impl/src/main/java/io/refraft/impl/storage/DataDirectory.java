package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opening a data directory: created if missing, checked writable, and locked against a second owner. */
final class DataDirectory {

  private DataDirectory() {}

  /**
   * Creates {@code dir} if needed and takes the OS lock on its file {@code lockName}; the returned
   * channel holds the lock until closed.
   *
   * @throws FileSystemException naming the path when it is not a directory, cannot be created or
   *     written, or is locked by another open storage
   */
  static FileChannel lock(Path dir, String lockName) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new FileSystemException(dir.toString(), null, "the data directory is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new FileSystemException(dir.toString(), null, "cannot create the data directory (" + e + ")");
    }
    if (!Files.isWritable(dir)) {
      throw new FileSystemException(dir.toString(), null, "the data directory is not writable");
    }
    Path lockPath = dir.resolve(lockName);
    FileChannel ch;
    try {
      ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new FileSystemException(dir.toString(), null, "the data directory is not writable (" + e + ")");
    }
    try {
      if (ch.tryLock() == null) {
        ch.close();
        throw new FileSystemException(lockPath.toString(), null, "the data directory is in use by another process");
      }
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new FileSystemException(lockPath.toString(), null, "the data directory is already open in this process");
    }
    return ch;
  }
}
