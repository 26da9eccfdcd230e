package io.refraft.impl.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.storage.LogRecord;
import io.refraft.spec.Entry;
import io.refraft.spec.Message;
import io.refraft.spec.Message.AppendEntriesRequest;
import io.refraft.spec.Message.AppendEntriesResponse;
import io.refraft.spec.Message.RequestVoteRequest;
import io.refraft.spec.Message.RequestVoteResponse;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");

  private static final List<Message> SAMPLES = List.of(
      new RequestVoteRequest(N1, N2, 7, 12, 6, false),
      new RequestVoteRequest(N2, N1, Long.MAX_VALUE, 0, 0, true),
      new RequestVoteResponse(N1, N2, 3, true, false),
      new RequestVoteResponse(N1, N2, 3, false, true),
      new AppendEntriesRequest(N1, N2, 5, 0, 0, List.of(), 0),
      new AppendEntriesRequest(N1, N2, 5, 9, 4,
          List.of(new Entry(4, Payload.NOOP), new Entry(5, Payload.Data.of(new byte[] {1, 2, 3})), new Entry(5, Payload.Data.of())),
          11),
      new AppendEntriesResponse(N2, NodeId.of("ü-node"), 5, true, 12, 0, 0),
      new AppendEntriesResponse(N2, N1, 5, false, 0, 7, 3),
      new Message.InstallSnapshotRequest(N1, N2, 9, new io.refraft.spec.Snapshot(100, 8, -0x123456789abcdefL)),
      new Message.InstallSnapshotResponse(N2, N1, 9, 100),
      new RequestVoteRequest(N1, N2, 8, 12, 6, false, true),
      new Message.TimeoutNow(N1, N2, 7),
      new AppendEntriesRequest(N1, N2, 5, 1, 4, List.of(
          new Entry(5, new Payload.Configuration(io.refraft.spec.Membership.of(List.of(N1, N2, NodeId.of("n3")),
              List.of(NodeId.of("n4"))))),
          new Entry(5, new Payload.Configuration(new io.refraft.spec.Membership(List.of(N1, N2, NodeId.of("n4")),
              List.of(N1, N2, NodeId.of("n3")), List.of(), true)))), 2),
      new Message.InstallSnapshotRequest(N1, N2, 9, new io.refraft.spec.Snapshot(100, 8, 42L,
          java.util.Optional.of(io.refraft.spec.Membership.voters(List.of(N1, N2))))));

  @Test
  void every_message_round_trips_and_reencodes_to_the_same_bytes() {
    for (Message m : SAMPLES) {
      byte[] bytes = MessageCodec.encode(17, m);
      MessageCodec.Envelope back = assertDecodes(bytes);
      assertEquals(new MessageCodec.Envelope(17, m), back);
      assertArrayEquals(bytes, MessageCodec.encode(back.seq(), back.message()));
    }
  }

  @Test
  void a_node_name_decoded_again_is_the_same_object_and_similar_names_stay_apart() {
    // Names RecentNodeIds must tell apart by their bytes: "ab" and "ba" (the same bytes in another
    // order), "n1" and "m1" (the first byte), "n1" and "n1x" (the length); each decode gives its own name.
    List<String> names = List.of("n1", "n2", "ab", "ba", "m1", "n1x", "n1", "ab", "n10", "ü-node", "n1");
    NodeId first = null;
    for (String name : names) {
      Message m = new RequestVoteResponse(NodeId.of(name), NodeId.of("to-" + name), 3, true, false);
      Message back = assertDecodes(MessageCodec.encode(1, m)).message();
      assertEquals(name, back.from().name());
      assertEquals(m, back);
      if (name.equals("n1")) {
        if (first == null) {
          first = back.from();
        } else {
          assertTrue(first == back.from(), "n1 decoded again gave a new object");
        }
      }
    }
  }

  @Test
  void a_request_vote_request_has_the_documented_layout() {
    byte[] bytes = MessageCodec.encode(3, new RequestVoteRequest(N1, N2, 7, 12, 6, true));
    assertEquals("0201" + "026e31" + "026e32" + "0000000000000003" + "0000000000000007" + "000000000000000c" + "0000000000000006" + "01",
        HexFormat.of().formatHex(bytes));
  }

  @Test
  void a_node_name_that_is_not_utf8_is_malformed() {
    byte[] bytes = MessageCodec.encode(3, new RequestVoteRequest(N1, N2, 7, 12, 6, true));
    bytes[3] = (byte) 0xC3; // the sender "n1" becomes 0xC3 '1': a lead byte without its continuation
    MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes));
    assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
  }

  @Test
  void every_strict_prefix_of_a_valid_encoding_is_malformed() {
    for (Message m : SAMPLES) {
      byte[] bytes = MessageCodec.encode(1, m);
      for (int n = 0; n < bytes.length; n++) {
        byte[] prefix = Arrays.copyOf(bytes, n);
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(prefix), m + " cut at " + n);
      }
    }
  }

  @Test
  void trailing_bytes_are_malformed() {
    byte[] bytes = MessageCodec.encode(1, SAMPLES.get(0));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    var e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(longer));
    assertEquals(bytes.length, e.offset());
    assertTrue(e.problem().contains("left over"), e.getMessage());
  }

  @Test
  void another_version_is_refused_by_name() {
    byte[] bytes = MessageCodec.encode(1, SAMPLES.get(0));
    bytes[0] = 1;
    var e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes));
    assertTrue(e.problem().contains("version 1"), e.getMessage());
  }

  @Test
  void a_configuration_the_spec_rejects_is_malformed() {
    // {n1,n2} with learner n1: the learner is also a voter
    byte[] bytes = MessageCodec.encode(1, new AppendEntriesRequest(N1, N2, 5, 0, 0, List.of(new Entry(5,
        new Payload.Configuration(io.refraft.spec.Membership.of(List.of(N1, N2), List.of(NodeId.of("n3")))))), 0));
    int at = bytes.length - 3; // the learner's id bytes "n3" end the message
    bytes[at + 2] = '1';
    var e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes));
    assertTrue(e.problem().contains("learner and a voter"), e.getMessage());
  }

  @Test
  void values_the_spec_rejects_are_malformed() {
    byte[] toSelf = MessageCodec.encode(1, new RequestVoteResponse(N1, N2, 3, true, false));
    toSelf[7] = '1'; // "n2" -> "n1": a message to itself
    var e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(toSelf));
    assertTrue(e.problem().contains("itself"), e.getMessage());

    byte[] badBool = MessageCodec.encode(1, new RequestVoteResponse(N1, N2, 3, true, false));
    badBool[badBool.length - 1] = 2;
    assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(badBool));

    byte[] negativeTerm = MessageCodec.encode(1, new RequestVoteResponse(N1, N2, 3, true, false));
    negativeTerm[16] = (byte) 0x80; // the term's sign bit
    assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(negativeTerm));
  }

  @Test
  void a_forged_entry_count_fails_before_allocating() {
    byte[] bytes = MessageCodec.encode(1, new AppendEntriesRequest(N1, N2, 5, 0, 0, List.of(), 0));
    int countAt = bytes.length - 4;
    bytes[countAt] = 0x7f;
    var e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes));
    assertTrue(e.problem().contains("entry count"), e.getMessage());
  }

  @Test
  void random_messages_round_trip() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("MessageCodecTest.random_messages_round_trip seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 2000; i++) {
      Message m = randomMessage(r);
      long seq = r.nextLong(0, Long.MAX_VALUE);
      assertEquals(new MessageCodec.Envelope(seq, m), assertDecodes(MessageCodec.encode(seq, m)), "seed " + seed);
    }
  }

  @Test
  void entries_round_trip_as_log_records() throws MalformedMessageException {
    Entry data = new Entry(3, Payload.Data.of(new byte[] {9, 8, 7}));
    LogRecord r = EntryCodec.toRecord(42, data);
    assertEquals(42, r.index());
    assertEquals(3, r.term());
    assertEquals("0101000000" + "03090807", HexFormat.of().formatHex(r.payload()));
    assertEquals(data, EntryCodec.fromRecord(r));
    assertEquals(new Entry(1, Payload.NOOP), EntryCodec.fromRecord(EntryCodec.toRecord(1, new Entry(1, Payload.NOOP))));
    assertThrows(MalformedMessageException.class, () -> EntryCodec.fromRecord(new LogRecord(1, 0, new byte[] {1, 0})));
    assertThrows(MalformedMessageException.class, () -> EntryCodec.decodePayload(new byte[] {1, 7}));
    assertThrows(MalformedMessageException.class, () -> EntryCodec.decodePayload(new byte[] {1, 0, 0}));
    assertThrows(MalformedMessageException.class, () -> EntryCodec.decodePayload(new byte[] {}));
  }

  private static Message randomMessage(SplittableRandom r) {
    NodeId from = NodeId.of("n" + r.nextInt(1, 4));
    NodeId to = NodeId.of("m" + r.nextInt(1, 4));
    long term = r.nextLong(0, Long.MAX_VALUE);
    return switch (r.nextInt(6)) {
      case 0 -> new RequestVoteRequest(from, to, term, r.nextLong(0, 1000), r.nextLong(0, 1000), r.nextBoolean());
      case 1 -> new RequestVoteResponse(from, to, term, r.nextBoolean(), r.nextBoolean());
      case 2 -> {
        int n = r.nextInt(5);
        List<Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
          byte[] b = new byte[r.nextInt(20)];
          r.nextBytes(b);
          entries.add(new Entry(r.nextLong(1, 100), r.nextBoolean() ? Payload.NOOP : Payload.Data.wrap(b)));
        }
        long prev = r.nextLong(0, 1000);
        yield new AppendEntriesRequest(from, to, term, prev, r.nextLong(0, 100), entries, r.nextLong(0, prev + n + 1));
      }
      case 4 -> {
        long index = r.nextLong(1, 1000);
        long leaderTerm = Math.max(1, term);
        yield new Message.InstallSnapshotRequest(from, to, leaderTerm, new io.refraft.spec.Snapshot(index,
            r.nextLong(1, Math.min(leaderTerm, 100) + 1), r.nextLong()));
      }
      case 5 -> new Message.InstallSnapshotResponse(from, to, term, r.nextLong(0, 1000));
      default -> {
        boolean ok = r.nextBoolean();
        yield new AppendEntriesResponse(from, to, term, ok, ok ? r.nextLong(0, 1000) : 0, r.nextLong(0, 1000),
            r.nextLong(0, 1000));
      }
    };
  }

  private static MessageCodec.Envelope assertDecodes(byte[] bytes) {
    try {
      return MessageCodec.decode(bytes);
    } catch (MalformedMessageException e) {
      throw new AssertionError("valid encoding refused: " + e.getMessage(), e);
    }
  }
}
