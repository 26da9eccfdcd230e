package io.refraft.impl.codec;

import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Message.RequestVoteRequest;
import io.refraft.spec.Message.RequestVoteResponse;
import io.refraft.spec.NodeId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Raft messages as bytes, version {@value #VERSION}. Layout (integers big-endian; {@code i63} is a
 * signed 64-bit integer that must not be negative):
 *
 * <pre>
 * message = version:u8 type:u8 from:id to:id seq:i63 term:i63 body
 * id      = length:u8 (1..255) UTF-8 bytes
 * type 1  RequestVoteRequest    lastLogIndex:i63 lastLogTerm:i63 flags:u8 (1 = pre-vote, 2 = transfer)
 * type 2  RequestVoteResponse   voteGranted:bool preVote:bool
 * type 3  AppendEntriesRequest  prevLogIndex:i63 prevLogTerm:i63 leaderCommit:i63 round:i63 count:u32 entry*count
 * type 4  AppendEntriesResponse success:bool matchIndex:i63 conflictIndex:i63 conflictTerm:i63 round:i63
 * type 5  InstallSnapshotRequest  lastIncludedIndex:i63 lastIncludedTerm:i63 digest:u64 hasConf:bool [conf]
 * type 6  InstallSnapshotResponse matchIndex:i63
 * type 7  TimeoutNow
 * entry   = term:i63 (>= 1) payload
 * payload = 0 (no-op) | 1 length:u32 bytes | 2 conf
 * conf    = flags:u8 (1 = auto-leave) voters outgoing learners, each count:u8 id*
 * bool    = 0 | 1
 * </pre>
 *
 * <p>An InstallSnapshotRequest carries the snapshot's metadata only (the spec's view of it); the
 * state machine's bytes travel beside it.
 *
 * <p>{@code seq} numbers the sender's messages; {@code from/to/seq} is the message id a trace
 * records on both sides (traces/FORMAT.md §2.2), so the receiver can name the message it got.
 *
 * <p>The version byte comes first so a node tells another version from garbage; a receiver of an
 * unknown version drops the message (Raft retries), it does not guess. Every value the spec's
 * record constructors reject (a message to oneself, leaderCommit beyond the entries sent) is
 * malformed here too.
 */
public final class MessageCodec {
  private MessageCodec() {}

  public static final int VERSION = 2;

  static final int REQUEST_VOTE_REQUEST = 1;
  static final int REQUEST_VOTE_RESPONSE = 2;
  static final int APPEND_ENTRIES_REQUEST = 3;
  static final int APPEND_ENTRIES_RESPONSE = 4;
  static final int INSTALL_SNAPSHOT_REQUEST = 5;
  static final int INSTALL_SNAPSHOT_RESPONSE = 6;
  static final int TIMEOUT_NOW = 7;

  /** Message type names by the type byte of their encoding; 0, "unknown", is no known type. */
  public static final List<String> TYPE_NAMES = List.of("unknown", "RequestVoteRequest", "RequestVoteResponse",
      "AppendEntriesRequest", "AppendEntriesResponse", "InstallSnapshotRequest", "InstallSnapshotResponse",
      "TimeoutNow");

  /**
   * The type byte of an encoded message of this version (an index into {@link #TYPE_NAMES}), or 0 when
   * the bytes are too short, of another version or name no type; reads two bytes, never throws.
   */
  public static int type(byte[] encoded) {
    if (encoded.length < 2 || encoded[0] != VERSION || encoded[1] < 1 || encoded[1] >= TYPE_NAMES.size()) {
      return 0;
    }
    return encoded[1];
  }

  /** A message and the sender's sequence number for it. */
  public record Envelope(long seq, Message message) {
    public Envelope {
      if (seq < 0) {
        throw new IllegalArgumentException("seq must be >= 0, got " + seq);
      }
      java.util.Objects.requireNonNull(message, "message");
    }
  }

  /** The encoding of {@code m} numbered {@code seq} (>= 0); a fresh array the caller owns. */
  public static byte[] encode(long seq, Message m) {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }
    byte[] from = Codec.idBytes(m.from());
    byte[] to = Codec.idBytes(m.to());
    int size = 2 + 1 + from.length + 1 + to.length + 16 + bodySize(m);
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.put((byte) VERSION).put((byte) typeOf(m));
    buf.put((byte) from.length).put(from).put((byte) to.length).put(to).putLong(seq).putLong(m.term());
    switch (m) {
      case RequestVoteRequest r -> buf.putLong(r.lastLogIndex()).putLong(r.lastLogTerm())
          .put((byte) ((r.preVote() ? 1 : 0) | (r.transfer() ? 2 : 0)));
      case RequestVoteResponse r -> buf.put(bool(r.voteGranted())).put(bool(r.preVote()));
      case AppendEntriesRequest r -> {
        buf.putLong(r.prevLogIndex()).putLong(r.prevLogTerm()).putLong(r.leaderCommit()).putLong(r.round())
            .putInt(r.entries().size());
        for (Entry e : r.entries()) {
          Codec.putEntry(buf, e);
        }
      }
      case AppendEntriesResponse r -> buf.put(bool(r.success())).putLong(r.matchIndex())
          .putLong(r.conflictIndex()).putLong(r.conflictTerm()).putLong(r.round());
      case Message.InstallSnapshotRequest r -> {
        buf.putLong(r.snapshot().index()).putLong(r.snapshot().term()).putLong(r.snapshot().digest())
            .put(bool(r.snapshot().membership().isPresent()));
        r.snapshot().membership().ifPresent(c -> Codec.putMembership(buf, c));
      }
      case Message.InstallSnapshotResponse r -> buf.putLong(r.matchIndex());
      case Message.TimeoutNow r -> { }
    }
    if (buf.hasRemaining()) {
      throw new IllegalStateException("size computed for " + m + " is off by " + buf.remaining());
    }
    return buf.array();
  }

  /**
   * Decodes one numbered message occupying all of {@code bytes}. Payload bytes are copied out, so the
   * caller may reuse {@code bytes}.
   *
   * @throws MalformedMessageException for anything that is not exactly one valid encoding
   */
  public static Envelope decode(byte[] bytes) throws MalformedMessageException {
    Reader in = new Reader(bytes);
    int version = in.u8("version");
    if (version != VERSION) {
      throw new MalformedMessageException("unsupported message version " + version + " (this node speaks "
          + VERSION + ")", 0);
    }
    int type = in.u8("type");
    NodeId from = in.nodeId("from");
    NodeId to = in.nodeId("to");
    long seq = in.u63("seq");
    long term = in.u63("term");
    int bodyStart = in.position();
    Message m;
    try {
      m = switch (type) {
        case REQUEST_VOTE_REQUEST -> {
          long lastIndex = in.u63("lastLogIndex");
          long lastTerm = in.u63("lastLogTerm");
          int flags = in.u8("flags");
          if (flags > 3) {
            throw new MalformedMessageException("unknown RequestVoteRequest flags " + flags, in.position() - 1);
          }
          yield new RequestVoteRequest(from, to, term, lastIndex, lastTerm, (flags & 1) != 0, (flags & 2) != 0);
        }
        case REQUEST_VOTE_RESPONSE -> new RequestVoteResponse(from, to, term, in.bool("voteGranted"),
            in.bool("preVote"));
        case APPEND_ENTRIES_REQUEST -> appendEntriesRequest(in, from, to, term);
        case APPEND_ENTRIES_RESPONSE -> new AppendEntriesResponse(from, to, term, in.bool("success"),
            in.u63("matchIndex"), in.u63("conflictIndex"), in.u63("conflictTerm"), in.u63("round"));
        case INSTALL_SNAPSHOT_REQUEST -> {
          long index = in.u63("lastIncludedIndex");
          long snapTerm = in.u63("lastIncludedTerm");
          long digest = in.u64("digest");
          java.util.Optional<io.refraft.spec.Membership> conf = in.bool("hasConf")
              ? java.util.Optional.of(in.membership("snapshot configuration")) : java.util.Optional.empty();
          yield new Message.InstallSnapshotRequest(from, to, term, new io.refraft.spec.Snapshot(index, snapTerm, digest,
              conf));
        }
        case INSTALL_SNAPSHOT_RESPONSE -> new Message.InstallSnapshotResponse(from, to, term, in.u63("matchIndex"));
        case TIMEOUT_NOW -> new Message.TimeoutNow(from, to, term);
        default -> throw new MalformedMessageException("unknown message type " + type, 1);
      };
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("invalid message: " + e.getMessage(), bodyStart);
    }
    in.end();
    return new Envelope(seq, m);
  }

  private static AppendEntriesRequest appendEntriesRequest(Reader in, NodeId from, NodeId to, long term)
      throws MalformedMessageException {
    long prevLogIndex = in.u63("prevLogIndex");
    long prevLogTerm = in.u63("prevLogTerm");
    long leaderCommit = in.u63("leaderCommit");
    long round = in.u63("round");
    int count = in.u32("entry count");
    // the smallest entry is 9 bytes (term and a no-op tag): a forged count fails before allocating
    if ((long) count * 9 > in.remaining()) {
      throw in.error("entry count " + count + " needs more than the " + in.remaining() + " bytes left");
    }
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(in.entry());
    }
    return new AppendEntriesRequest(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, round);
  }

  private static int typeOf(Message m) {
    return switch (m) {
      case RequestVoteRequest r -> REQUEST_VOTE_REQUEST;
      case RequestVoteResponse r -> REQUEST_VOTE_RESPONSE;
      case AppendEntriesRequest r -> APPEND_ENTRIES_REQUEST;
      case AppendEntriesResponse r -> APPEND_ENTRIES_RESPONSE;
      case Message.InstallSnapshotRequest r -> INSTALL_SNAPSHOT_REQUEST;
      case Message.InstallSnapshotResponse r -> INSTALL_SNAPSHOT_RESPONSE;
      case Message.TimeoutNow r -> TIMEOUT_NOW;
    };
  }

  private static int bodySize(Message m) {
    return switch (m) {
      case RequestVoteRequest r -> 17;
      case RequestVoteResponse r -> 2;
      case AppendEntriesRequest r -> {
        int n = 36;
        for (Entry e : r.entries()) {
          n += Codec.entrySize(e);
        }
        yield n;
      }
      case AppendEntriesResponse r -> 33;
      case Message.InstallSnapshotRequest r -> 25 + r.snapshot().membership().map(Codec::membershipSize).orElse(0);
      case Message.InstallSnapshotResponse r -> 8;
      case Message.TimeoutNow r -> 0;
    };
  }

  private static byte bool(boolean b) {
    return (byte) (b ? 1 : 0);
  }
}
