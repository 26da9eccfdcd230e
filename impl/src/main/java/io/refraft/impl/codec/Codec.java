package io.refraft.impl.codec;

import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Tags and the encoding helpers shared by {@link MessageCodec} and {@link EntryCodec}. */
final class Codec {
  private Codec() {}

  static final int NOOP = 0;
  static final int DATA = 1;
  static final int CONFIGURATION = 2;

  static byte[] idBytes(NodeId id) {
    byte[] b = id.name().getBytes(StandardCharsets.UTF_8);
    if (b.length > 255) {
      throw new IllegalArgumentException("node id '" + id + "' is longer than 255 UTF-8 bytes");
    }
    return b;
  }

  static int payloadSize(Payload p) {
    return switch (p) {
      case Payload.NoOp n -> 1;
      case Payload.Data d -> 1 + 4 + d.length();
      case Payload.Configuration c -> 1 + membershipSize(c.membership());
    };
  }

  /** {@code flags:u8 (1 = auto-leave) voters outgoing learners}, each list {@code count:u8 id*}. */
  static int membershipSize(io.refraft.spec.Membership m) {
    int n = 1;
    for (java.util.List<NodeId> part : java.util.List.of(m.voters(), m.outgoing(), m.learners())) {
      n += 1;
      for (NodeId id : part) {
        n += 1 + idBytes(id).length;
      }
    }
    return n;
  }

  static void putMembership(ByteBuffer buf, io.refraft.spec.Membership m) {
    buf.put((byte) (m.autoLeave() ? 1 : 0));
    for (java.util.List<NodeId> part : java.util.List.of(m.voters(), m.outgoing(), m.learners())) {
      if (part.size() > 255) {
        throw new IllegalArgumentException("a configuration of more than 255 servers in one list");
      }
      buf.put((byte) part.size());
      for (NodeId id : part) {
        byte[] b = idBytes(id);
        buf.put((byte) b.length).put(b);
      }
    }
  }

  static void putPayload(ByteBuffer buf, Payload p) {
    switch (p) {
      case Payload.NoOp n -> buf.put((byte) NOOP);
      case Payload.Data d -> {
        buf.put((byte) DATA).putInt(d.length());
        d.copyTo(buf.array(), buf.position());
        buf.position(buf.position() + d.length());
      }
      case Payload.Configuration c -> {
        buf.put((byte) CONFIGURATION);
        putMembership(buf, c.membership());
      }
    }
  }

  static int entrySize(Entry e) {
    return 8 + payloadSize(e.payload());
  }

  static void putEntry(ByteBuffer buf, Entry e) {
    buf.putLong(e.term());
    putPayload(buf, e.payload());
  }
}
