package io.refraft.spec.explore;

import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Ghost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 64-bit fingerprints of cluster states, optionally canonical under permutations of server ids
 * (symmetry reduction: servers are interchangeable, so states that differ only by renaming them
 * are explored once).
 *
 * <p>The state is first encoded once: every part that does not mention a server id is hashed, and
 * the ids are kept as small integers (positions in the member list). The fingerprint under a
 * permutation then only renames those integers and combines the pieces, so trying all n!
 * permutations costs little more than one. The canonical fingerprint is the least over all
 * permutations. Unordered parts (the message bag, vote sets) are combined with commutative sums of
 * mixed hashes, so their iteration order does not matter. Like TLC, the checker trusts 64-bit
 * fingerprints: two distinct states collide with probability about n²/2⁶⁵ (under 10⁻⁶ for 6
 * million states).
 */
final class Fingerprint {
  private final NodeId[] members;
  private final int[][] permutations;
  private final boolean countRestarts;

  /**
   * @param countRestarts whether the number of restarts distinguishes states (only when it is
   *     bounded; otherwise it would make the state space infinite while no invariant reads it)
   */
  Fingerprint(List<NodeId> members, boolean symmetry, boolean countRestarts) {
    this.members = members.toArray(new NodeId[0]);
    this.countRestarts = countRestarts;
    this.permutations = symmetry ? allPermutations(members.size()) : new int[][] {identity(members.size())};
  }

  /** The fingerprint of {@code c}: the least over the permutations in use. */
  long of(Cluster c) {
    Encoded e = encode(c);
    long best = e.hash(permutations[0]);
    for (int k = 1; k < permutations.length; k++) {
      long h = e.hash(permutations[k]);
      if (Long.compareUnsigned(h, best) < 0) {
        best = h;
      }
    }
    return best;
  }

  /** A state with ids as member positions and every id-free part already hashed. */
  private static final class Encoded {
    final int n;
    final long[] nodeBase;
    final int[] voted;
    final int[] leader;
    final int[] maskA;
    final int[] maskB;
    final long[][] progress; // [node][peer position], 0 when not leading
    final int[][] extraIds; // [node]: durable votes (confirmed, on disk, pending) and held messages' addressees
    final long[] msgBase;
    final int[] msgFrom;
    final int[] msgTo;
    final long ghostBase;
    final long[] electedTerm;
    final int[] electedLeader;

    Encoded(int n, int messages, int elected, long ghostBase) {
      this.n = n;
      nodeBase = new long[n];
      voted = new int[n];
      leader = new int[n];
      maskA = new int[n];
      maskB = new int[n];
      progress = new long[n][];
      extraIds = new int[n][];
      msgBase = new long[messages];
      msgFrom = new int[messages];
      msgTo = new int[messages];
      this.ghostBase = ghostBase;
      electedTerm = new long[elected];
      electedLeader = new int[elected];
    }

    long hash(int[] perm) {
      long[] nodes = new long[n];
      for (int i = 0; i < n; i++) {
        long h = mix(nodeBase[i] ^ (map(voted[i], perm) * 31L + map(leader[i], perm)));
        h = mix(h ^ (mapMask(maskA[i], perm) * 131L + mapMask(maskB[i], perm)));
        for (int id : extraIds[i]) {
          h = absorb(h, map(id, perm));
        }
        if (progress[i] != null) {
          long[] byNewPosition = new long[n];
          for (int j = 0; j < n; j++) {
            byNewPosition[perm[j]] = progress[i][j];
          }
          for (long p : byNewPosition) {
            h = mix(h ^ p);
          }
        }
        nodes[perm[i]] = h;
      }
      long h = 0x9E3779B97F4A7C15L;
      for (long nh : nodes) {
        h = mix(h ^ nh);
      }
      long bag = 0;
      for (int k = 0; k < msgBase.length; k++) {
        bag += mix(msgBase[k] ^ (perm[msgFrom[k]] * 16L + perm[msgTo[k]]));
      }
      long elected = 0;
      for (int k = 0; k < electedTerm.length; k++) {
        elected += mix(electedTerm[k] * 64 + perm[electedLeader[k]]);
      }
      h = mix(h ^ bag);
      return mix(h ^ mix(ghostBase + elected));
    }

    private static long map(int id, int[] perm) {
      return id < 0 ? 0 : perm[id] + 1;
    }

    private static long mapMask(int mask, int[] perm) {
      long out = 0;
      for (int b = 0; mask != 0; b++, mask >>>= 1) {
        if ((mask & 1) != 0) {
          out |= 1L << perm[b];
        }
      }
      return out;
    }
  }

  private Encoded encode(Cluster c) {
    int n = members.length;
    int messages = 0;
    for (int count : c.network().inFlight().values()) {
      messages += count;
    }
    Ghost g = c.ghost();
    long ghostBase = countRestarts ? g.restarts() : 0;
    for (Ghost.Committed k : g.committed()) {
      ghostBase = absorb(absorb(ghostBase, entry(k.entry())), k.inTerm());
    }
    for (Ghost.Read r : g.reads()) {
      ghostBase = absorb(absorb(absorb(absorb(ghostBase, 0x7EADL), r.committedBefore()), r.answers()), r.readIndex());
    }
    Encoded e = new Encoded(n, messages, g.leaders().size(), ghostBase);
    for (int i = 0; i < n; i++) {
      encodeNode(c.nodes().get(i), c.disks().get(i), i, e);
    }
    int k = 0;
    for (Map.Entry<Message, Integer> m : c.network().inFlight().entrySet()) {
      long base = message(m.getKey());
      int from = indexOf(m.getKey().from());
      int to = indexOf(m.getKey().to());
      for (int copy = 0; copy < m.getValue(); copy++, k++) {
        e.msgBase[k] = base;
        e.msgFrom[k] = from;
        e.msgTo[k] = to;
      }
    }
    for (int j = 0; j < g.leaders().size(); j++) {
      e.electedTerm[j] = g.leaders().get(j).term();
      e.electedLeader[j] = indexOf(g.leaders().get(j).leader());
    }
    return e;
  }

  private void encodeNode(NodeState s, Cluster.Disk disk, int i, Encoded e) {
    long tag = switch (s.role()) {
      case Role.Follower f -> {
        e.leader[i] = id(f.leader());
        yield 1;
      }
      case Role.PreCandidate p -> {
        e.leader[i] = -1;
        e.maskA[i] = mask(p.responded());
        e.maskB[i] = mask(p.granted());
        yield 2;
      }
      case Role.Candidate cd -> {
        e.leader[i] = -1;
        e.maskA[i] = mask(cd.responded());
        e.maskB[i] = mask(cd.granted());
        yield cd.transfer() ? 6 : 3;
      }
      case Role.Leader l -> {
        e.leader[i] = id(l.transferee()); // a leader knows no other leader: the slot holds its transfer target
        e.maskA[i] = mask(l.recentlyActive());
        long[] progress = new long[members.length];
        for (Map.Entry<NodeId, Role.Progress> p : l.progress().entrySet()) {
          long acked = l.reads().acked().getOrDefault(p.getKey(), 0L);
          progress[indexOf(p.getKey())] = absorb(absorb(absorb(0x9A0L, p.getValue().next()), p.getValue().match()), acked);
        }
        e.progress[i] = progress;
        yield 4 + reads(l.reads());
      }
    };
    e.voted[i] = id(s.votedFor());
    long h = absorb(absorb(0x5EEDL, s.term()), tag);
    h = absorb(h, log(s.log()));
    h = absorb(h, s.commitIndex());
    e.nodeBase[i] = absorb(h, durability(s, disk, e.extraIds, i));
  }

  /**
   * The id-free part of what storage confirmed, the held replies and the disk; their ids go to
   * {@code extraIds[i]} in a fixed order. A synced server whose disk holds exactly its durable state
   * adds a constant, so synchronous models are unaffected by these parts.
   */
  private long durability(NodeState s, Cluster.Disk disk, int[][] extraIds, int i) {
    if (s.isSynced() && disk.pending().isEmpty() && disk.durable().equals(s.durable())) {
      extraIds[i] = NO_IDS;
      return 1;
    }
    int[] ids = new int[2 + 2 * s.sync().held().size() + disk.pending().size()];
    int k = 0;
    long h = absorb(absorb(absorb(0xD15CL, s.sync().term()), s.sync().lastIndex()), s.sync().held().size());
    ids[k++] = id(s.sync().votedFor());
    for (io.refraft.spec.Sync.Held held : s.sync().held()) {
      h = absorb(h, message(held.message()));
      h = absorb(absorb(absorb(h, held.term()), held.index()), held.logTerm());
      ids[k++] = indexOf(held.message().to());
      ids[k++] = id(held.votedFor());
    }
    h = absorb(absorb(h, disk.durable().term()), log(disk.durable().log()));
    ids[k++] = id(disk.durable().votedFor());
    h = absorb(h, disk.pending().size());
    for (io.refraft.spec.DurableState p : disk.pending()) {
      h = absorb(absorb(h, p.term()), log(p.log()));
      ids[k++] = id(p.votedFor());
    }
    extraIds[i] = ids;
    return h;
  }

  private static final int[] NO_IDS = new int[0];

  /** One more value into a running hash: order-sensitive, and no value is absorbed without effect. */
  static long absorb(long h, long v) {
    return mix(h ^ mix(v + 0x9E3779B97F4A7C15L)) + 0x632BE59BD9B4E019L;
  }

  /** The id-free part of a leader's ReadIndex state (acknowledgements are hashed with progress); 0 when idle. */
  private static long reads(Role.Reads r) {
    if (r.round() == 0 && r.pending().isEmpty()) {
      return 0;
    }
    long h = absorb(absorb(0x5EADL, r.round()), r.pending().size());
    for (Role.PendingRead p : r.pending()) {
      h = absorb(absorb(absorb(h, p.requestId()), p.readIndex()), p.round());
    }
    return h << 3;
  }

  /** The id-free part of a message: a type tag, then every field in order (ids are hashed apart, permuted). */
  private static long message(Message m) {
    return switch (m) {
      case Message.RequestVoteRequest r -> absorb(absorb(absorb(absorb(absorb(11, r.term()), r.lastLogIndex()),
          r.lastLogTerm()), r.preVote() ? 1 : 0), r.transfer() ? 1 : 0);
      case Message.RequestVoteResponse r -> absorb(absorb(absorb(13, r.term()), r.voteGranted() ? 1 : 0),
          r.preVote() ? 1 : 0);
      case Message.AppendEntriesRequest r -> {
        long x = absorb(absorb(absorb(absorb(absorb(17, r.term()), r.prevLogIndex()), r.prevLogTerm()),
            r.leaderCommit()), r.round());
        x = absorb(x, r.entries().size());
        for (Entry en : r.entries()) {
          x = absorb(x, entry(en));
        }
        yield x;
      }
      case Message.AppendEntriesResponse r -> absorb(absorb(absorb(absorb(absorb(absorb(19, r.term()),
          r.success() ? 1 : 0), r.matchIndex()), r.conflictIndex()), r.conflictTerm()), r.round());
      case Message.InstallSnapshotRequest r -> absorb(absorb(absorb(absorb(23, r.term()), r.snapshot().index()),
          r.snapshot().term()), r.snapshot().digest());
      case Message.InstallSnapshotResponse r -> absorb(absorb(29, r.term()), r.matchIndex());
      case Message.TimeoutNow r -> absorb(31, r.term());
    };
  }

  private static long log(Log log) {
    long h = absorb(0x106L, log.lastIndex());
    io.refraft.spec.Snapshot snap = log.snapshot();
    if (snap.index() > 0) {
      h = absorb(absorb(absorb(h, snap.index()), snap.term()), snap.digest());
      if (snap.membership().isPresent()) {
        h = absorb(h, membership(snap.membership().get()));
      }
    }
    for (long i = log.firstIndex(); i <= log.lastIndex(); i++) {
      h = absorb(h, entry(log.entry(i)));
    }
    return h;
  }

  private static long entry(Entry e) {
    long h = absorb(0xE7L, e.term());
    return switch (e.payload()) {
      case Payload.NoOp n -> absorb(h, -1);
      case Payload.Data d -> {
        h = absorb(h, d.length());
        for (int i = 0; i < d.length(); i++) {
          h = absorb(h, d.byteAt(i));
        }
        yield h;
      }
      // Names, not permuted ids: the model checker turns symmetry off when configurations change.
      case Payload.Configuration c -> absorb(h, membership(c.membership()));
    };
  }

  private static long membership(io.refraft.spec.Membership m) {
    long h = absorb(0xC0F6L, m.autoLeave() ? 1 : 0);
    for (List<NodeId> part : List.of(m.voters(), m.outgoing(), m.learners())) {
      h = absorb(h, part.size());
      for (NodeId id : part) {
        h = absorb(h, id.name().hashCode());
      }
    }
    return h;
  }

  private int mask(Set<NodeId> ids) {
    int mask = 0;
    for (NodeId id : ids) {
      mask |= 1 << indexOf(id);
    }
    return mask;
  }

  private int id(Optional<NodeId> id) {
    return id.isEmpty() ? -1 : indexOf(id.get());
  }

  private int indexOf(NodeId id) {
    for (int i = 0; i < members.length; i++) {
      if (members[i] == id) {
        return i;
      }
    }
    for (int i = 0; i < members.length; i++) {
      if (members[i].equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no member " + id);
  }

  /** A strong 64-bit mixer (the finalizer of SplitMix64). */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  private static int[][] allPermutations(int n) {
    List<int[]> out = new ArrayList<>();
    permute(identity(n), 0, out);
    return out.toArray(new int[0][]);
  }

  private static void permute(int[] a, int k, List<int[]> out) {
    if (k == a.length) {
      out.add(a.clone());
      return;
    }
    for (int i = k; i < a.length; i++) {
      int t = a[k];
      a[k] = a[i];
      a[i] = t;
      permute(a, k + 1, out);
      a[i] = a[k];
      a[k] = t;
    }
  }
}
