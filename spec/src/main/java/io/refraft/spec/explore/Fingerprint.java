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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * 64-bit fingerprints of cluster states, optionally canonical under permutations of server ids
 * (symmetry reduction: servers are interchangeable, so states that differ only by renaming them
 * are explored once).
 *
 * <p>A fingerprint hashes every field of the state with server ids replaced by their position
 * under a permutation; the canonical fingerprint is the least over all permutations. Unordered
 * parts (the message bag, vote sets) are combined with commutative sums of mixed hashes, so their
 * iteration order does not matter. Like TLC, the checker trusts 64-bit fingerprints: two distinct
 * states collide with probability about n²/2⁶⁵ (under 10⁻⁶ for 6 million states).
 */
final class Fingerprint {
  private final List<NodeId> members;
  private final int[][] permutations;
  private final boolean countRestarts;

  /**
   * @param countRestarts whether the number of restarts distinguishes states (only when it is
   *     bounded; otherwise it would make the state space infinite while no invariant reads it)
   */
  Fingerprint(List<NodeId> members, boolean symmetry, boolean countRestarts) {
    this.members = List.copyOf(members);
    this.countRestarts = countRestarts;
    this.permutations = symmetry ? allPermutations(members.size()) : new int[][] {identity(members.size())};
  }

  /** The fingerprint of {@code c}: the least over the permutations in use. */
  long of(Cluster c) {
    long best = Long.MAX_VALUE;
    for (int[] perm : permutations) {
      long h = hash(c, perm);
      if (Long.compareUnsigned(h, best) < 0) {
        best = h;
      }
    }
    return best;
  }

  private long hash(Cluster c, int[] perm) {
    int n = members.size();
    long[] nodeHashes = new long[n];
    for (int i = 0; i < n; i++) {
      nodeHashes[perm[i]] = node(c.nodes().get(i), perm);
    }
    long h = 0x9E3779B97F4A7C15L;
    for (long nh : nodeHashes) {
      h = mix(h ^ nh);
    }
    long bag = 0;
    for (Map.Entry<Message, Integer> e : c.network().inFlight().entrySet()) {
      bag += mix(message(e.getKey(), perm) + e.getValue());
    }
    h = mix(h ^ bag);
    h = mix(h ^ ghost(c.ghost(), perm));
    return h;
  }

  private long node(NodeState s, int[] perm) {
    long h = mix(s.term() * 31 + id(s.votedFor(), perm));
    h = mix(h ^ log(s.log()));
    h = mix(h ^ s.commitIndex());
    return mix(h ^ role(s.role(), perm));
  }

  private long role(Role r, int[] perm) {
    return switch (r) {
      case Role.Follower f -> mix(1 + 7L * id(f.leader(), perm));
      case Role.PreCandidate p -> mix(2 + 7L * (set(p.responded(), perm) * 131 + set(p.granted(), perm)));
      case Role.Candidate c -> mix(3 + 7L * (set(c.responded(), perm) * 131 + set(c.granted(), perm)));
      case Role.Leader l -> {
        long[] progress = new long[members.size()];
        for (Map.Entry<NodeId, Role.Progress> e : l.progress().entrySet()) {
          progress[perm[indexOf(e.getKey())]] = mix(e.getValue().next() * 1_000_003L + e.getValue().match() + 1);
        }
        long h = 4 + 7L * set(l.recentlyActive(), perm);
        for (long p : progress) {
          h = mix(h ^ p);
        }
        yield h;
      }
    };
  }

  private long message(Message m, int[] perm) {
    long h = mix(perm[indexOf(m.from())] * 16L + perm[indexOf(m.to())] + m.term() * 256);
    return switch (m) {
      case Message.RequestVoteRequest r ->
          mix(h ^ (11 + r.lastLogIndex() * 97 + r.lastLogTerm() * 7919 + (r.preVote() ? 5 : 0)));
      case Message.RequestVoteResponse r -> mix(h ^ (13 + (r.voteGranted() ? 2 : 0) + (r.preVote() ? 4 : 0)));
      case Message.AppendEntriesRequest r -> {
        long x = mix(h ^ (17 + r.prevLogIndex() * 97 + r.prevLogTerm() * 7919 + r.leaderCommit() * 104729));
        for (Entry e : r.entries()) {
          x = mix(x ^ entry(e));
        }
        yield x;
      }
      case Message.AppendEntriesResponse r -> mix(h ^ (19 + (r.success() ? 2 : 0) + r.matchIndex() * 97
          + r.conflictIndex() * 7919 + r.conflictTerm() * 104729));
    };
  }

  private long ghost(Ghost g, int[] perm) {
    long leaders = 0;
    for (Ghost.Elected e : g.leaders()) {
      leaders += mix(e.term() * 64 + perm[indexOf(e.leader())]);
    }
    long h = mix(leaders + (countRestarts ? g.restarts() : 0));
    for (Ghost.Committed c : g.committed()) {
      h = mix(h ^ entry(c.entry()) ^ (c.inTerm() << 40));
    }
    return h;
  }

  private static long log(Log log) {
    long h = log.lastIndex();
    for (long i = 1; i <= log.lastIndex(); i++) {
      h = mix(h ^ entry(log.entry(i)));
    }
    return h;
  }

  private static long entry(Entry e) {
    long p = switch (e.payload()) {
      case Payload.NoOp n -> 0x5A5A;
      case Payload.Data d -> d.hashCode();
    };
    return mix(e.term() * 0x100000001B3L + p);
  }

  private long set(Set<NodeId> ids, int[] perm) {
    long mask = 0;
    for (NodeId id : ids) {
      mask |= 1L << perm[indexOf(id)];
    }
    return mask;
  }

  private long id(Optional<NodeId> id, int[] perm) {
    return id.isEmpty() ? 0 : perm[indexOf(id.get())] + 1;
  }

  private int indexOf(NodeId id) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).equals(id)) {
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
    List<int[]> out = new java.util.ArrayList<>();
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
