package io.refraft.spec.explore;

import io.refraft.spec.Config;
import io.refraft.spec.DurableState;
import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import io.refraft.spec.Sync;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Ghost;
import io.refraft.spec.check.Network;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A compact byte encoding of cluster states, so the frontier can hold (and spill to disk) states
 * at about a hundred bytes each instead of their object graphs. Numbers are varints, server ids
 * their positions in the member list, the configuration is the model's (not encoded), and a disk
 * holding exactly its server's durable state is one byte.
 *
 * <p>Deterministic: a state always encodes to the same bytes, and decoding gives a state equal to
 * it. The message bag keeps its insertion order, on which the order of events depends, so a
 * decoded state enumerates its events as the original did (two states equal up to that order may
 * encode differently; the fingerprint, not this encoding, identifies states).
 */
final class StateCodec {
  private final Config config;
  private final NodeId[] members;
  private final List<Payload> values;

  /** @param values the model's client values, reused by reference when decoding */
  StateCodec(Config config, List<Payload> values) {
    this(config, config.members(), values);
  }

  /**
   * @param servers every server of the model, in the order of the cluster's nodes
   * @param values  the model's client values, reused by reference when decoding
   */
  StateCodec(Config config, List<NodeId> servers, List<Payload> values) {
    this.config = config;
    this.members = servers.toArray(new NodeId[0]);
    this.values = List.copyOf(values);
  }

  byte[] encode(Cluster c) {
    Bytes.Writer w = new Bytes.Writer(128);
    encode(c, w);
    return w.toByteArray();
  }

  void encode(Cluster c, Bytes.Writer w) {
    for (int i = 0; i < members.length; i++) {
      NodeState s = c.nodes().get(i);
      node(s, w);
      disk(s, c.disks().get(i), w);
    }
    w.varint(c.network().inFlight().size());
    for (Map.Entry<Message, Integer> m : c.network().inFlight().entrySet()) {
      message(m.getKey(), w);
      w.varint(m.getValue());
    }
    ghost(c.ghost(), w);
  }

  Cluster decode(byte[] b) {
    return decode(new Bytes.Reader(b, 0, b.length));
  }

  Cluster decode(Bytes.Reader r) {
    List<NodeState> nodes = new ArrayList<>(members.length);
    List<Cluster.Disk> disks = new ArrayList<>(members.length);
    for (int i = 0; i < members.length; i++) {
      NodeState s = readNode(i, r);
      nodes.add(s);
      disks.add(readDisk(s, r));
    }
    int distinct = r.int32();
    Map<Message, Integer> inFlight = new LinkedHashMap<>();
    int size = 0;
    for (int k = 0; k < distinct; k++) {
      Message m = readMessage(r);
      int count = r.int32();
      inFlight.put(m, count);
      size += count;
    }
    Network net = distinct == 0 ? Network.EMPTY : new Network(Collections.unmodifiableMap(inFlight), size);
    return new Cluster(nodes, disks, net, readGhost(r));
  }

  private void node(NodeState s, Bytes.Writer w) {
    w.varint(s.term());
    id(s.votedFor(), w);
    log(s.log(), w);
    w.varint(s.commitIndex());
    role(s.role(), w);
    Sync y = s.sync();
    w.varint(y.term());
    id(y.votedFor(), w);
    w.varint(y.lastIndex());
    w.varint(y.held().size());
    for (Sync.Held h : y.held()) {
      message(h.message(), w);
      w.varint(h.term());
      id(h.votedFor(), w);
      w.varint(h.index());
      w.varint(h.logTerm());
    }
  }

  private NodeState readNode(int i, Bytes.Reader r) {
    long term = r.varint();
    Optional<NodeId> vote = readId(r);
    Log log = readLog(r);
    long commit = r.varint();
    Role role = readRole(i, r);
    long syncTerm = r.varint();
    Optional<NodeId> syncVote = readId(r);
    long syncIndex = r.varint();
    int held = r.int32();
    List<Sync.Held> hs = new ArrayList<>(held);
    for (int k = 0; k < held; k++) {
      hs.add(new Sync.Held(readMessage(r), r.varint(), readId(r), r.varint(), r.varint()));
    }
    return new NodeState(members[i], config, term, vote, log, commit, role, new Sync(syncTerm, syncVote, syncIndex, hs));
  }

  /** 0: the disk holds exactly the server's durable state and nothing is pending (always so when synchronous). */
  private void disk(NodeState s, Cluster.Disk d, Bytes.Writer w) {
    if (d.pending().isEmpty() && d.durable().equals(s.durable())) {
      w.put(0);
      return;
    }
    w.put(1);
    durable(d.durable(), w);
    w.varint(d.pending().size());
    for (DurableState p : d.pending()) {
      durable(p, w);
    }
  }

  private Cluster.Disk readDisk(NodeState s, Bytes.Reader r) {
    if (r.get() == 0) {
      return new Cluster.Disk(s.durable(), List.of());
    }
    DurableState durable = readDurable(r);
    int n = r.int32();
    List<DurableState> pending = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      pending.add(readDurable(r));
    }
    return new Cluster.Disk(durable, pending);
  }

  private void durable(DurableState d, Bytes.Writer w) {
    w.varint(d.term());
    id(d.votedFor(), w);
    log(d.log(), w);
  }

  private DurableState readDurable(Bytes.Reader r) {
    return new DurableState(r.varint(), readId(r), readLog(r));
  }

  private void role(Role role, Bytes.Writer w) {
    switch (role) {
      case Role.Follower f -> {
        w.put(0);
        id(f.leader(), w);
      }
      case Role.PreCandidate p -> {
        w.put(1);
        w.varint(mask(p.responded()));
        w.varint(mask(p.granted()));
      }
      case Role.Candidate c -> {
        w.put(c.transfer() ? 4 : 2);
        w.varint(mask(c.responded()));
        w.varint(mask(c.granted()));
      }
      case Role.Leader l -> {
        w.put(3);
        w.varint(mask(l.progress().keySet()));
        for (NodeId id : members) {
          Role.Progress p = l.progress().get(id);
          if (p != null) {
            w.varint(p.next());
            w.varint(p.match());
          }
        }
        w.varint(mask(l.recentlyActive()));
        reads(l.reads(), w);
        id(l.transferee(), w);
      }
    }
  }

  private Role readRole(int self, Bytes.Reader r) {
    int tag = r.get();
    return switch (tag) {
      case 0 -> {
        Optional<NodeId> leader = readId(r);
        yield leader.isEmpty() ? Role.Follower.UNKNOWN_LEADER : new Role.Follower(leader);
      }
      case 1 -> new Role.PreCandidate(ids(r.int32()), ids(r.int32()));
      case 2 -> new Role.Candidate(ids(r.int32()), ids(r.int32()));
      case 4 -> new Role.Candidate(ids(r.int32()), ids(r.int32()), true);
      case 3 -> {
        int peers = r.int32();
        Map<NodeId, Role.Progress> progress = new LinkedHashMap<>();
        for (int j = 0; j < members.length; j++) {
          if ((peers & (1 << j)) != 0) {
            progress.put(members[j], new Role.Progress(r.varint(), r.varint()));
          }
        }
        Set<NodeId> active = ids(r.int32());
        Role.Reads reads = readReads(r);
        yield new Role.Leader(progress, active, reads, readId(r));
      }
      default -> throw new IllegalStateException("unknown role tag " + tag + " for server " + members[self]);
    };
  }

  private void reads(Role.Reads reads, Bytes.Writer w) {
    w.varint(reads.round());
    w.varint(mask(reads.acked().keySet()));
    for (NodeId id : members) {
      Long a = reads.acked().get(id);
      if (a != null) {
        w.varint(a);
      }
    }
    w.varint(reads.pending().size());
    for (Role.PendingRead p : reads.pending()) {
      w.varint(p.requestId());
      w.varint(p.readIndex());
      w.varint(p.round());
    }
  }

  private Role.Reads readReads(Bytes.Reader r) {
    long round = r.varint();
    int ackedMask = r.int32();
    Map<NodeId, Long> acked = new LinkedHashMap<>();
    for (int j = 0; j < members.length; j++) {
      if ((ackedMask & (1 << j)) != 0) {
        acked.put(members[j], r.varint());
      }
    }
    int n = r.int32();
    if (round == 0 && n == 0 && acked.isEmpty()) {
      return Role.Reads.NONE;
    }
    List<Role.PendingRead> pending = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      pending.add(new Role.PendingRead(r.varint(), r.varint(), r.varint()));
    }
    return new Role.Reads(round, acked, pending);
  }

  private void message(Message m, Bytes.Writer w) {
    switch (m) {
      case Message.RequestVoteRequest q -> {
        header(0, m, w);
        w.varint(q.lastLogIndex());
        w.varint(q.lastLogTerm());
        w.put((q.preVote() ? 1 : 0) | (q.transfer() ? 2 : 0));
      }
      case Message.RequestVoteResponse q -> {
        header(1, m, w);
        w.put((q.voteGranted() ? 1 : 0) | (q.preVote() ? 2 : 0));
      }
      case Message.AppendEntriesRequest q -> {
        header(2, m, w);
        w.varint(q.prevLogIndex());
        w.varint(q.prevLogTerm());
        w.varint(q.leaderCommit());
        w.varint(q.round());
        w.varint(q.entries().size());
        for (Entry e : q.entries()) {
          entry(e, w);
        }
      }
      case Message.AppendEntriesResponse q -> {
        header(3, m, w);
        w.put(q.success() ? 1 : 0);
        w.varint(q.matchIndex());
        w.varint(q.conflictIndex());
        w.varint(q.conflictTerm());
        w.varint(q.round());
      }
      case Message.InstallSnapshotRequest q -> {
        header(4, m, w);
        snapshot(q.snapshot(), w);
      }
      case Message.InstallSnapshotResponse q -> {
        header(5, m, w);
        w.varint(q.matchIndex());
      }
      case Message.TimeoutNow q -> header(6, m, w);
    }
  }

  private void snapshot(io.refraft.spec.Snapshot s, Bytes.Writer w) {
    w.varint(s.index());
    w.varint(s.term());
    w.fixed64(s.digest());
    if (s.membership().isPresent()) {
      w.put(1);
      membership(s.membership().get(), w);
    } else {
      w.put(0);
    }
  }

  private io.refraft.spec.Snapshot readSnapshot(Bytes.Reader r) {
    long index = r.varint();
    long term = r.varint();
    long digest = r.fixed64();
    Optional<io.refraft.spec.Membership> m = r.get() == 0 ? Optional.empty() : Optional.of(readMembership(r));
    return new io.refraft.spec.Snapshot(index, term, digest, m);
  }

  private void membership(io.refraft.spec.Membership m, Bytes.Writer w) {
    w.put(m.autoLeave() ? 1 : 0);
    w.varint(mask(Set.copyOf(m.voters())));
    w.varint(mask(Set.copyOf(m.outgoing())));
    w.varint(mask(Set.copyOf(m.learners())));
  }

  private io.refraft.spec.Membership readMembership(Bytes.Reader r) {
    boolean auto = r.get() != 0;
    return new io.refraft.spec.Membership(List.copyOf(ids(r.int32())), List.copyOf(ids(r.int32())),
        List.copyOf(ids(r.int32())), auto);
  }

  private void header(int tag, Message m, Bytes.Writer w) {
    w.put(tag);
    w.put(indexOf(m.from()));
    w.put(indexOf(m.to()));
    w.varint(m.term());
  }

  private Message readMessage(Bytes.Reader r) {
    int tag = r.get();
    NodeId from = member(r.get());
    NodeId to = member(r.get());
    long term = r.varint();
    return switch (tag) {
      case 0 -> {
        long lastIndex = r.varint();
        long lastTerm = r.varint();
        int flags = r.get();
        yield new Message.RequestVoteRequest(from, to, term, lastIndex, lastTerm, (flags & 1) != 0, (flags & 2) != 0);
      }
      case 1 -> {
        int flags = r.get();
        yield new Message.RequestVoteResponse(from, to, term, (flags & 1) != 0, (flags & 2) != 0);
      }
      case 2 -> {
        long prevIndex = r.varint();
        long prevTerm = r.varint();
        long commit = r.varint();
        long round = r.varint();
        int n = r.int32();
        List<Entry> entries = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          entries.add(readEntry(r));
        }
        yield new Message.AppendEntriesRequest(from, to, term, prevIndex, prevTerm, entries, commit, round);
      }
      case 3 -> new Message.AppendEntriesResponse(from, to, term, r.get() != 0, r.varint(), r.varint(), r.varint(),
          r.varint());
      case 4 -> new Message.InstallSnapshotRequest(from, to, term, readSnapshot(r));
      case 5 -> new Message.InstallSnapshotResponse(from, to, term, r.varint());
      case 6 -> new Message.TimeoutNow(from, to, term);
      default -> throw new IllegalStateException("unknown message tag " + tag);
    };
  }

  private void ghost(Ghost g, Bytes.Writer w) {
    w.varint(g.leaders().size());
    for (Ghost.Elected e : g.leaders()) {
      w.varint(e.term());
      w.put(indexOf(e.leader()));
    }
    w.varint(g.committed().size());
    for (Ghost.Committed k : g.committed()) {
      entry(k.entry(), w);
      w.varint(k.inTerm());
    }
    w.varint(g.restarts());
    w.varint(g.reads().size());
    for (Ghost.Read rd : g.reads()) {
      w.varint(rd.requestId());
      w.varint(rd.committedBefore());
      w.varint(rd.answers());
      w.varint(rd.readIndex());
    }
  }

  private Ghost readGhost(Bytes.Reader r) {
    int n = r.int32();
    List<Ghost.Elected> leaders = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      leaders.add(new Ghost.Elected(r.varint(), member(r.get())));
    }
    n = r.int32();
    List<Ghost.Committed> committed = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      committed.add(new Ghost.Committed(readEntry(r), r.varint()));
    }
    int restarts = r.int32();
    n = r.int32();
    List<Ghost.Read> reads = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      reads.add(new Ghost.Read(r.varint(), r.varint(), r.int32(), r.varint()));
    }
    if (leaders.isEmpty() && committed.isEmpty() && restarts == 0 && reads.isEmpty()) {
      return Ghost.EMPTY;
    }
    return new Ghost(leaders, committed, restarts, reads);
  }

  /** The number of entries after the snapshot, doubled, plus 1 when a snapshot follows; then the entries. */
  private void log(Log log, Bytes.Writer w) {
    boolean snap = log.snapshot().index() > 0;
    w.varint(((long) log.entryCount() << 1) | (snap ? 1 : 0));
    if (snap) {
      snapshot(log.snapshot(), w);
    }
    for (long i = log.firstIndex(); i <= log.lastIndex(); i++) {
      entry(log.entry(i), w);
    }
  }

  private Log readLog(Bytes.Reader r) {
    long head = r.varint();
    int n = (int) (head >>> 1);
    io.refraft.spec.Snapshot snap = (head & 1) != 0 ? readSnapshot(r) : io.refraft.spec.Snapshot.NONE;
    if (n == 0 && snap.index() == 0) {
      return Log.EMPTY;
    }
    List<Entry> entries = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      entries.add(readEntry(r));
    }
    return Log.restored(snap, entries);
  }

  /** The term, then 0 for a no-op, 1 and the configuration, or 2 + the length and the bytes of a data payload. */
  private void entry(Entry e, Bytes.Writer w) {
    w.varint(e.term());
    switch (e.payload()) {
      case Payload.NoOp n -> w.put(0);
      case Payload.Configuration c -> {
        w.put(1);
        membership(c.membership(), w);
      }
      case Payload.Data d -> {
        w.varint(2L + d.length());
        byte[] b = d.toByteArray();
        w.putBytes(b, 0, b.length);
      }
    }
  }

  private Entry readEntry(Bytes.Reader r) {
    long term = r.varint();
    int kind = r.int32();
    if (kind == 0) {
      return new Entry(term, Payload.NOOP);
    }
    if (kind == 1) {
      return new Entry(term, new Payload.Configuration(readMembership(r)));
    }
    byte[] b = r.bytes(kind - 2);
    for (Payload v : values) {
      if (v instanceof Payload.Data d && d.length() == b.length && d.equals(Payload.Data.wrap(b))) {
        return new Entry(term, d); // the model's own value: shared, as in the states it was encoded from
      }
    }
    return new Entry(term, Payload.Data.wrap(b));
  }

  private void id(Optional<NodeId> id, Bytes.Writer w) {
    w.put(id.isEmpty() ? 0 : indexOf(id.get()) + 1);
  }

  private Optional<NodeId> readId(Bytes.Reader r) {
    int k = r.get();
    return k == 0 ? Optional.empty() : Optional.of(member(k - 1));
  }

  private int mask(Set<NodeId> ids) {
    int m = 0;
    for (NodeId id : ids) {
      m |= 1 << indexOf(id);
    }
    return m;
  }

  private Set<NodeId> ids(int mask) {
    Set<NodeId> out = new HashSet<>();
    for (int j = 0; j < members.length; j++) {
      if ((mask & (1 << j)) != 0) {
        out.add(members[j]);
      }
    }
    return out;
  }

  private NodeId member(int k) {
    if (k < 0 || k >= members.length) {
      throw new IllegalStateException("no server at position " + k);
    }
    return members[k];
  }

  private int indexOf(NodeId id) {
    for (int i = 0; i < members.length; i++) {
      if (members[i].equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no member " + id);
  }
}
