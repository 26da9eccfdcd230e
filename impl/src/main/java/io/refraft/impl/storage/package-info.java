/**
 * The node's durable storage (docs/ARCHITECTURE.md#storage): a segmented write-ahead log with CRC32C per
 * record and group-commit fsync, plus term/vote metadata replaced atomically.
 *
 * <p>Byte-level and protocol-agnostic: a log record is {@code (index, term, payload)} with an
 * opaque payload, metadata is {@code (term, votedFor)}. The on-disk layout is documented in
 * {@code impl/FORMATS.md} ("Write-ahead log").
 *
 * <p>Implementations: {@link io.refraft.impl.storage.FileStorage} (the real one) and
 * {@link io.refraft.impl.storage.MemoryStorage} (for the deterministic simulator). The tests add
 * {@code FaultyStorage} (fault injection over real files), in this package of impl/src/test.
 *
 * <p>Must not depend on {@code io.refraft.spec} or {@code io.refraft.traces} (storage knows no
 * protocol types), nor on {@code io.refraft.verification}. Uses only the JDK and SLF4J.
 */
package io.refraft.impl.storage;
