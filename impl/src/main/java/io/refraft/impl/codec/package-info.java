/**
 * The binary encodings of the protocol's values: {@link io.refraft.impl.codec.MessageCodec} for
 * Raft messages on the wire (inside one transport frame) and {@link io.refraft.impl.codec.EntryCodec}
 * for log entries as write-ahead-log payloads. Byte layouts are in {@code impl/FORMATS.md}.
 *
 * <p>Decoders are total: any byte array decodes to a value or a
 * {@link io.refraft.impl.codec.MalformedMessageException}, never another exception, and a decoded
 * value re-encodes to exactly the bytes it came from (one encoding per value).
 *
 * <p>Depends on {@code io.refraft.spec} value types and {@code io.refraft.impl.storage.LogRecord}
 * only; must not depend on the transport or the driver (the driver depends on this package).
 */
package io.refraft.impl.codec;
