package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** One segment file's in-memory bookkeeping, owned by {@link FileStorage}'s single thread. */
final class Segment {

  final long base;
  final Path path;
  /** Open while this segment is the tail; closed (null) once it is complete. */
  FileChannel channel;
  /** Bytes written to the file; the tail may have more waiting in the storage's buffer. */
  long fileBytes;
  /** Frame offset of each record; offsets[i] is the frame of index base + i. */
  int[] offsets;
  int count;
  long lastTerm;
  /** Written since its last fsync. */
  boolean dirty;
  /** Whether the file exists; a segment started by an append is created when first written. */
  boolean created = true;
  /** Bytes of a full segment not yet written (ready to read), or null; the tail's wait elsewhere. */
  ByteBuffer unwritten;

  Segment(long base, Path path, int[] offsets, int count, long lastTerm, long fileBytes) {
    this.base = base;
    this.path = path;
    this.offsets = offsets.length == 0 ? new int[16] : offsets;
    this.count = count;
    this.lastTerm = lastTerm;
    this.fileBytes = fileBytes;
  }

  long lastIndex() {
    return base + count - 1;
  }

  void addRecord(int offset, long term) {
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
    }
    offsets[count++] = offset;
    lastTerm = term;
  }

  FileChannel channel() throws IOException {
    if (channel == null) {
      channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }
    return channel;
  }

  /** Cuts the file before the record of {@code index}, which this segment holds; not forced. */
  void truncateBefore(long index) throws IOException {
    int keep = (int) (index - base);
    int offset = offsets[keep];
    channel().truncate(offset);
    fileBytes = offset;
    count = keep;
    if (keep > 0) {
      lastTerm = termAt(index - 1);
    }
    dirty = true;
  }

  /** The term of the record at {@code index}, which this segment holds and has written, read from its file. */
  long termAt(long index) throws IOException {
    ByteBuffer term = ByteBuffer.allocate(8);
    int frame = offsets[(int) (index - base)];
    while (term.hasRemaining()) {
      if (channel().read(term, frame + 16L + term.position()) < 0) {
        throw new IOException(path + ": shorter than its own index says (record " + index + ")");
      }
    }
    return term.getLong(0);
  }

  void closeChannel() throws IOException {
    if (channel != null) {
      FileChannel ch = channel;
      channel = null;
      ch.close();
    }
  }
}
