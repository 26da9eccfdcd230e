package io.refraft.impl.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The term/vote file, replaced atomically: write a temporary file, fsync it, rename it over the
 * old one, fsync the directory (the sequence of Pillai et al., "All File Systems Are Not Created
 * Equal", OSDI 2014, for an atomic and durable replace on Linux file systems).
 *
 * <pre>
 * meta = magic u32 ("RFMT") | version u32 (1) | term u64 | votedForLength i32 (-1 = none)
 *        | votedFor UTF-8 bytes | crc u32 (CRC32C of everything before it)
 * </pre>
 */
final class MetaFile {

  static final String NAME = "meta";
  static final String TEMP_NAME = "meta.tmp";
  static final int MAGIC = 0x52464D54; // "RFMT"
  static final int VERSION = 1;
  private static final int FIXED_BYTES = 4 + 4 + 8 + 4 + 4;
  static final int MAX_BYTES = FIXED_BYTES + Meta.MAX_VOTED_FOR_BYTES;

  private MetaFile() {}

  static byte[] encode(Meta meta) {
    byte[] vote = meta.votedFor() == null ? new byte[0] : meta.votedFor().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + vote.length);
    b.putInt(MAGIC).putInt(VERSION).putLong(meta.term())
        .putInt(meta.votedFor() == null ? -1 : vote.length).put(vote);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** Decodes a meta file's bytes; {@code file} only names the file in messages. */
  static Meta decode(byte[] bytes, Path file) throws StorageCorruptException {
    if (bytes.length < FIXED_BYTES || bytes.length > MAX_BYTES) {
      throw corrupt(file, 0, "is " + bytes.length + " bytes, expected " + FIXED_BYTES + ".." + MAX_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = b.getInt(bytes.length - 4);
    if (stored != (int) crc.getValue()) {
      throw corrupt(file, bytes.length - 4, String.format("CRC32C mismatch (stored 0x%08x, computed 0x%08x)",
          stored, (int) crc.getValue()));
    }
    if (b.getInt(0) != MAGIC || b.getInt(4) != VERSION) {
      throw corrupt(file, 0, "has an unknown magic or format version");
    }
    long term = b.getLong(8);
    int voteLength = b.getInt(16);
    int expected = FIXED_BYTES + Math.max(voteLength, 0);
    if (term < 0 || voteLength < -1 || voteLength == 0 || expected != bytes.length) {
      throw corrupt(file, 8, "has inconsistent fields (term " + term + ", votedFor length " + voteLength + ")");
    }
    String vote = null;
    if (voteLength > 0) {
      try {
        vote = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 20, voteLength)).toString();
      } catch (CharacterCodingException e) {
        throw corrupt(file, 20, "votedFor is not valid UTF-8");
      }
    }
    return new Meta(term, vote);
  }

  /** Reads the meta file of {@code dir}; {@link Meta#INITIAL} if there is none. */
  static Meta read(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (!Files.exists(file)) {
      return Meta.INITIAL;
    }
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw corrupt(file, 0, "is " + size + " bytes, expected at most " + MAX_BYTES);
    }
    return decode(Files.readAllBytes(file), file);
  }

  /**
   * First half of a durable replace, invisible to a reader until {@link #replace}: the new contents
   * written to the temporary file and fsynced. The slow part (an fsync, milliseconds).
   */
  static void writeTemp(Path dir, Meta meta) throws IOException {
    Path temp = dir.resolve(TEMP_NAME);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(encode(meta));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  /**
   * Second half, after {@link #writeTemp}: the rename, visible at once to any later reader (a process
   * killed right after it recovers the new meta), then the directory fsync that makes it durable.
   */
  static void replace(Path dir) throws IOException {
    Files.move(dir.resolve(TEMP_NAME), dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(dir);
  }

  /** fsync of a directory, which makes file creations, renames and deletions in it durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static StorageCorruptException corrupt(Path file, long offset, String what) {
    return new StorageCorruptException(file, offset, "meta file " + file + " " + what + " (at byte offset "
        + offset + "). It is replaced atomically, so a crash cannot explain this; it is not repaired "
        + "automatically because guessing the term or vote could let this node vote twice in one term.");
  }
}
