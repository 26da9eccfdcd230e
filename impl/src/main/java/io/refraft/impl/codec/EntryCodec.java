package io.refraft.impl.codec;

import io.refraft.impl.storage.LogRecord;
import io.refraft.spec.Entry;
import io.refraft.spec.Payload;
import java.nio.ByteBuffer;

/**
 * Log entries as write-ahead-log records. The record carries index and term; its payload is
 * {@code version:u8 payload} with {@code payload} as in {@link MessageCodec} (0 = no-op, or
 * 1 length:u32 bytes), version {@value #VERSION}. The version lets a later release add payload kinds
 * (cluster configurations) and still read old logs.
 */
public final class EntryCodec {
  private EntryCodec() {}

  public static final int VERSION = 1;

  /** The record storing {@code entry} at {@code index}. */
  public static LogRecord toRecord(long index, Entry entry) {
    ByteBuffer buf = ByteBuffer.allocate(1 + Codec.payloadSize(entry.payload()));
    buf.put((byte) VERSION);
    Codec.putPayload(buf, entry.payload());
    return new LogRecord(index, entry.term(), buf.array());
  }

  /** The entry stored in {@code record}. */
  public static Entry fromRecord(LogRecord record) throws MalformedMessageException {
    if (record.term() < 1) {
      throw new MalformedMessageException("log record " + record.index() + " has term " + record.term()
          + ", entries start at term 1", 0);
    }
    return new Entry(record.term(), decodePayload(record.payload()));
  }

  /** Decodes a record's payload bytes alone. */
  public static Payload decodePayload(byte[] bytes) throws MalformedMessageException {
    Reader in = new Reader(bytes);
    int version = in.u8("version");
    if (version != VERSION) {
      throw new MalformedMessageException("unsupported entry version " + version + " (this node reads "
          + VERSION + ")", 0);
    }
    Payload p = in.payload("payload");
    in.end();
    return p;
  }
}
