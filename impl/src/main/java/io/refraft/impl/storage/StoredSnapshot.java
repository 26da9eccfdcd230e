package io.refraft.impl.storage;

import java.util.Objects;
import java.util.Optional;

/**
 * A durable snapshot as {@link Storage#load()} recovers it: its metadata and its body (the state
 * machine's bytes, checksum verified), and the file it is in when storage keeps files (a leader
 * streams that file to a follower that needs it).
 *
 * <p>The body array is not copied; nobody may mutate it.
 *
 * @param meta the snapshot's index, term and digest
 * @param body the state machine's bytes as of {@code meta.index()}
 * @param file the snapshot file ({@link FileStorage}), or empty ({@link MemoryStorage})
 */
public record StoredSnapshot(SnapshotMeta meta, byte[] body, Optional<java.nio.file.Path> file) {

  public StoredSnapshot {
    Objects.requireNonNull(meta, "meta");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(file, "file");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredSnapshot s && s.meta.equals(meta) && java.util.Arrays.equals(s.body, body)
        && s.file.equals(file);
  }

  @Override
  public int hashCode() {
    return Objects.hash(meta, java.util.Arrays.hashCode(body), file);
  }

  @Override
  public String toString() {
    return "StoredSnapshot[" + meta + ", body=" + body.length + " bytes" + file.map(f -> ", file=" + f).orElse("") + "]";
  }
}
