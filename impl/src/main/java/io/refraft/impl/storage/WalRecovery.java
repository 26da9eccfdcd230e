package io.refraft.impl.storage;

import io.refraft.impl.storage.SegmentReader.Clean;
import io.refraft.impl.storage.SegmentReader.Damaged;
import io.refraft.impl.storage.SegmentReader.Scan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a data directory's segments back into records, deciding what a crash explains.
 *
 * <ul>
 *   <li>Torn tail: a damaged frame in the <em>last</em> segment with no valid frame after it is
 *       what a crash during an unsynced write leaves; the segment is truncated there (deleted if
 *       no record survives) and a line is logged naming the file and offset.</li>
 *   <li>Corruption: damage anywhere else (a non-last segment is fsynced before the next one is
 *       created, so it is always complete), valid data after the damage, a CRC-valid frame that
 *       breaks index continuity or term order, or segments that do not follow each other. Load
 *       fails with a {@link StorageCorruptException} naming the file and byte offset, unless
 *       repair is on, which truncates the log at that point and logs how much it dropped.</li>
 * </ul>
 *
 * <p>Known limit: pages of one unsynced batch can reach the disk out of order, so a crash can in
 * principle leave a hole followed by intact later records of that batch; this is reported as
 * corruption (safe: the node refuses to start rather than guess). Telling the two apart needs
 * cluster help, as in Alagappan et al., "Protocol-Aware Recovery for Consensus-Based Storage"
 * (FAST 2018).
 */
final class WalRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

  private final Path dir;
  private final boolean repair;
  private boolean dirChanged;

  WalRecovery(Path dir, boolean repair) {
    this.dir = dir;
    this.repair = repair;
  }

  /** Recovers every segment, appending their records to {@code out}; returns the segments kept. */
  List<Segment> recover(List<LogRecord> out) throws IOException {
    List<Path> paths = segmentPaths();
    List<Segment> kept = new ArrayList<>();
    long lastTerm = 0;
    for (int i = 0; i < paths.size(); i++) {
      Path path = paths.get(i);
      long base = WalFormat.parseSegmentName(path.getFileName().toString()).orElseThrow();
      boolean last = i == paths.size() - 1;
      if (!kept.isEmpty() && base != kept.getLast().lastIndex() + 1) {
        Damaged gap = new Damaged(0, "segment starts at index " + base + " but the previous segment ends at index "
            + kept.getLast().lastIndex(), true);
        handleCorruption(paths, i, gap, 0);
        deleteIfPresent(path);
        break;
      }
      Scan scan = SegmentReader.scan(readSegment(path), base, lastTerm);
      if (!last && scan.records().isEmpty() && scan.ending() instanceof Clean) {
        scan = new Scan(scan.records(), scan.offsets(), scan.validEnd(), new Damaged(scan.validEnd(),
            "segment holds no record but later segments exist", true));
      }
      Segment segment = new Segment(base, path, scan.offsets(), scan.records().size(),
          scan.records().isEmpty() ? lastTerm : scan.records().getLast().term(), scan.validEnd());
      out.addAll(scan.records());
      switch (scan.ending()) {
        case Clean c -> { }
        case Damaged d when last && !d.definite() -> truncateTornTail(path, d, scan.records().size());
        case Damaged d -> handleCorruption(paths, i, d, scan.records().size());
      }
      if (scan.records().isEmpty()) {
        deleteIfPresent(path); // a segment without records carries nothing; its base comes from the next append
      } else {
        kept.add(segment);
        lastTerm = segment.lastTerm;
      }
      if (scan.ending() instanceof Damaged) {
        break;
      }
    }
    if (dirChanged) {
      MetaFile.syncDirectory(dir);
    }
    return kept;
  }

  private List<Path> segmentPaths() throws IOException {
    TreeMap<Long, Path> byBase = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        Optional<Long> base = WalFormat.parseSegmentName(name);
        if (base.isPresent()) {
          byBase.put(base.get(), p);
        } else if (name.startsWith("wal-")) {
          LOG.warn("ignoring {}: not a segment file name (wal-<20-digit first index>.log)", p);
        }
      }
    }
    return new ArrayList<>(byBase.values());
  }

  private static ByteBuffer readSegment(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 16) {
        throw new StorageCorruptException(path, 0, "segment " + path + " is " + size
            + " bytes, larger than any segment this storage writes");
      }
      ByteBuffer b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // read until full or end of file
      }
      return b.flip();
    }
  }

  private void truncateTornTail(Path path, Damaged d, int recordsKept) throws IOException {
    long size = Files.size(path);
    LOG.warn("torn tail in {} at byte offset {}: {}; truncating {} bytes (a crash interrupted an unsynced "
        + "write; {} records before it kept)", path, d.offset(), d.reason(), size - d.offset(), recordsKept);
    cut(path, d.offset());
  }

  private void handleCorruption(List<Path> paths, int index, Damaged d, int recordsBefore) throws IOException {
    Path path = paths.get(index);
    if (!repair) {
      throw new StorageCorruptException(path, d.offset(), "write-ahead log corrupt in " + path + " at byte offset "
          + d.offset() + ": " + d.reason() + ". A crash cannot explain this (intact data follows, or it is not at "
          + "the end of the last segment). Refusing to start; rerun with --repair to truncate the log at this "
          + "point, dropping every record from here on (safe only if a quorum of other nodes holds them).");
    }
    long dropped = countIntactFrom(paths, index, d.offset());
    long bytes = Files.size(path) - d.offset();
    for (int j = paths.size() - 1; j > index; j--) {
      bytes += Files.size(paths.get(j));
      Files.delete(paths.get(j));
      dirChanged = true;
    }
    cut(path, d.offset());
    LOG.warn("repair: truncated the log at {} byte offset {} ({}); dropped the damaged record, {} intact records after it and {} bytes "
        + "in all; {} records before it in that file kept", path, d.offset(), d.reason(), dropped, bytes, recordsBefore);
  }

  /** Valid frames after the damage in its file plus the records of every later segment. */
  private static long countIntactFrom(List<Path> paths, int index, int offset) throws IOException {
    ByteBuffer bytes = readSegment(paths.get(index));
    long count = 0;
    int q = offset + 1;
    while (q <= bytes.limit() - WalFormat.FRAME_OVERHEAD) {
      int length = bytes.getInt(q);
      if (length >= WalFormat.MIN_LENGTH && length <= bytes.limit() - q - 8
          && bytes.getInt(q + 4) == WalFormat.crc(bytes, q, length)) {
        count++;
        q += 8 + length;
      } else {
        q++;
      }
    }
    for (int j = index + 1; j < paths.size(); j++) {
      long base = WalFormat.parseSegmentName(paths.get(j).getFileName().toString()).orElseThrow();
      count += SegmentReader.scan(readSegment(paths.get(j)), base, 0).records().size();
    }
    return count;
  }

  /** Durably truncates {@code path} to {@code length} bytes. */
  private static void cut(Path path, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ch.truncate(length);
      ch.force(false);
    }
  }

  private void deleteIfPresent(Path path) throws IOException {
    if (Files.deleteIfExists(path)) {
      dirChanged = true;
    }
  }
}
