package io.refraft.impl.net;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The handshake each side sends as the first frame of a connection, before any payload.
 *
 * <p>Layout of the frame's payload (big-endian):
 * {@code [u32 magic "RFRT"][u16 protocol version][u8 n][n bytes cluster id, UTF-8][u8 m][m bytes
 * node id, UTF-8]} and nothing after. The magic and version come first and keep their place in
 * every future version, so a node can always tell "not refraft" from "another refraft version"
 * before it interprets the rest.
 *
 * <p>Invariants: (1) both ids are 1..{@value #MAX_ID_BYTES} bytes of UTF-8; (2) the version is
 * 0..65535.
 */
public record Hello(int protocolVersion, String clusterId, String nodeId) {

  public static final int MAGIC = 0x52465254; // "RFRT"
  public static final int PROTOCOL_VERSION = 1;
  public static final int MAX_ID_BYTES = 255;
  /** The longest valid handshake payload; a longer handshake frame is refused unread. */
  public static final int MAX_BYTES = 4 + 2 + 1 + MAX_ID_BYTES + 1 + MAX_ID_BYTES;

  public Hello {
    if (protocolVersion < 0 || protocolVersion > 0xFFFF) {
      throw new IllegalArgumentException("protocol version " + protocolVersion + " is not a u16");
    }
    checkId("cluster id", clusterId);
    checkId("node id", nodeId);
  }

  /** This node's handshake in the current protocol version. */
  public static Hello of(String clusterId, String nodeId) {
    return new Hello(PROTOCOL_VERSION, clusterId, nodeId);
  }

  /** Throws {@link IllegalArgumentException} naming {@code field} unless {@code id} is a valid id. */
  public static void checkId(String field, String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    if (!new String(utf8, StandardCharsets.UTF_8).equals(id)) {
      throw new IllegalArgumentException(field + " '" + id + "' has no UTF-8 encoding (unpaired surrogate)");
    }
    int n = utf8.length;
    if (n > MAX_ID_BYTES) {
      throw new IllegalArgumentException(field + " '" + id + "' is " + n + " bytes of UTF-8; at most "
          + MAX_ID_BYTES + " allowed");
    }
  }

  public byte[] encode() {
    byte[] cluster = clusterId.getBytes(StandardCharsets.UTF_8);
    byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + 1 + cluster.length + 1 + node.length);
    b.putInt(MAGIC).putShort((short) protocolVersion);
    b.put((byte) cluster.length).put(cluster);
    b.put((byte) node.length).put(node);
    return b.array();
  }

  /**
   * Decodes a handshake payload.
   *
   * @throws HandshakeException with {@link Refusal#BAD_MAGIC}, {@link Refusal#VERSION_MISMATCH}
   *     (another version's layout is not interpreted) or {@link Refusal#MALFORMED}
   */
  public static Hello decode(byte[] payload) throws HandshakeException {
    if (payload.length < 6) {
      throw new HandshakeException(Refusal.MALFORMED,
          "handshake of " + payload.length + " bytes is shorter than its magic and version (6 bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    int magic = b.getInt();
    if (magic != MAGIC) {
      throw new HandshakeException(Refusal.BAD_MAGIC,
          String.format("magic 0x%08x is not refraft's 0x%08x", magic, MAGIC));
    }
    int version = Short.toUnsignedInt(b.getShort());
    if (version != PROTOCOL_VERSION) {
      throw new HandshakeException(Refusal.VERSION_MISMATCH,
          "peer speaks protocol version " + version + ", this node " + PROTOCOL_VERSION);
    }
    String cluster = readId(b, "cluster id");
    String node = readId(b, "node id");
    if (b.hasRemaining()) {
      throw new HandshakeException(Refusal.MALFORMED,
          b.remaining() + " unexpected bytes after the node id");
    }
    return new Hello(version, cluster, node);
  }

  private static String readId(ByteBuffer b, String field) throws HandshakeException {
    if (!b.hasRemaining()) {
      throw new HandshakeException(Refusal.MALFORMED, "handshake ends before the " + field + " length");
    }
    int n = Byte.toUnsignedInt(b.get());
    if (n == 0) {
      throw new HandshakeException(Refusal.MALFORMED, field + " is empty");
    }
    if (b.remaining() < n) {
      throw new HandshakeException(Refusal.MALFORMED,
          field + " declares " + n + " bytes but " + b.remaining() + " remain");
    }
    ByteBuffer slice = b.slice(b.position(), n);
    b.position(b.position() + n);
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new HandshakeException(Refusal.MALFORMED, field + " is not valid UTF-8");
    }
  }
}
