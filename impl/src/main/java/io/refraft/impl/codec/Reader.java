package io.refraft.impl.codec;

import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A bounds-checked cursor over an encoded value. Every read checks the remaining length first, so
 * a forged count or length fails before anything is allocated for it.
 */
final class Reader {
  private final byte[] bytes;
  private int pos;

  Reader(byte[] bytes) {
    this.bytes = bytes;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return bytes.length - pos;
  }

  MalformedMessageException error(String problem) {
    return new MalformedMessageException(problem, pos);
  }

  private void need(int n, String what) throws MalformedMessageException {
    if (n > remaining()) {
      throw error("truncated " + what + ": needs " + n + " bytes, " + remaining() + " left");
    }
  }

  int u8(String what) throws MalformedMessageException {
    need(1, what);
    return bytes[pos++] & 0xff;
  }

  boolean bool(String what) throws MalformedMessageException {
    int b = u8(what);
    if (b > 1) {
      pos--;
      throw error(what + " must be 0 or 1, got " + b);
    }
    return b == 1;
  }

  int u32(String what) throws MalformedMessageException {
    need(4, what);
    int v = ((bytes[pos] & 0xff) << 24) | ((bytes[pos + 1] & 0xff) << 16) | ((bytes[pos + 2] & 0xff) << 8)
        | (bytes[pos + 3] & 0xff);
    if (v < 0) {
      throw error(what + " " + Integer.toUnsignedString(v) + " exceeds 2^31-1");
    }
    pos += 4;
    return v;
  }

  /** Any 64-bit value (a digest): every bit pattern is valid. */
  long u64(String what) throws MalformedMessageException {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bytes[pos + i] & 0xff);
    }
    pos += 8;
    return v;
  }

  /** A non-negative 64-bit integer (terms, indexes): the sign bit set is malformed. */
  long u63(String what) throws MalformedMessageException {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bytes[pos + i] & 0xff);
    }
    if (v < 0) {
      throw error(what + " is negative");
    }
    pos += 8;
    return v;
  }

  byte[] take(int n, String what) throws MalformedMessageException {
    need(n, what);
    byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
    pos += n;
    return out;
  }

  NodeId nodeId(String what) throws MalformedMessageException {
    int start = pos;
    int n = u8(what + " length");
    need(n, what);
    String name;
    if (ascii(pos, n)) { // every message names two nodes: skip the strict decoder's setup for plain names
      NodeId known = RecentNodeIds.lookup(bytes, pos, n);
      if (known != null) {
        pos += n;
        return known;
      }
      name = new String(bytes, pos, n, StandardCharsets.ISO_8859_1);
    } else {
      try {
        name = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, pos, n)).toString();
      } catch (CharacterCodingException e) {
        throw error(what + " is not UTF-8");
      }
    }
    try {
      NodeId id = NodeId.of(name);
      if (n > 0 && name.length() == n) {
        RecentNodeIds.remember(id);
      }
      pos += n;
      return id;
    } catch (IllegalArgumentException e) {
      pos = start;
      throw error(what + ": " + e.getMessage());
    }
  }

  /** Whether {@code n} bytes from {@code from} are ASCII, which decodes the same as UTF-8 and as Latin-1. */
  private boolean ascii(int from, int n) {
    for (int i = from; i < from + n; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  Payload payload(String what) throws MalformedMessageException {
    int kind = u8(what + " kind");
    return switch (kind) {
      case Codec.NOOP -> Payload.NOOP;
      case Codec.DATA -> Payload.Data.wrap(take(u32(what + " length"), what + " bytes"));
      case Codec.CONFIGURATION -> new Payload.Configuration(membership(what + " configuration"));
      default -> {
        pos--;
        throw error("unknown " + what + " kind " + kind);
      }
    };
  }

  /** A configuration as {@link Codec#putMembership} writes it. */
  io.refraft.spec.Membership membership(String what) throws MalformedMessageException {
    int at = pos;
    int flags = u8(what + " flags");
    if (flags > 1) {
      pos--;
      throw error("unknown " + what + " flags " + flags);
    }
    java.util.List<java.util.List<NodeId>> parts = new java.util.ArrayList<>(3);
    for (String part : new String[] {"voters", "outgoing", "learners"}) {
      int n = u8(what + " " + part + " count");
      java.util.List<NodeId> ids = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add(nodeId(what + " " + part + " id"));
      }
      parts.add(ids);
    }
    try {
      return new io.refraft.spec.Membership(parts.get(0), parts.get(1), parts.get(2), flags == 1);
    } catch (IllegalArgumentException e) {
      pos = at;
      throw error("invalid " + what + ": " + e.getMessage());
    }
  }

  Entry entry() throws MalformedMessageException {
    long term = u63("entry term");
    if (term < 1) {
      throw error("entry term must be >= 1, got " + term);
    }
    return new Entry(term, payload("entry payload"));
  }

  void end() throws MalformedMessageException {
    if (remaining() != 0) {
      throw error(remaining() + " bytes left over");
    }
  }
}
