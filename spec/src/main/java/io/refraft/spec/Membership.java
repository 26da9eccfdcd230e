package io.refraft.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * A cluster configuration (thesis chapter 4): who votes and who only receives the log.
 *
 * <p>Simple or joint. A simple configuration has {@code voters} and no {@code outgoing} voters; a
 * joint one (thesis §4.3, etcd's ConfChangeV2) has both, and every decision (an election, a commit,
 * a read's confirmation, check-quorum) then needs a majority of each. {@code learners} receive the
 * log and vote in nothing (thesis §4.2.1; etcd's learners, hashicorp's non-voters).
 * {@code autoLeave} says that the leader leaves a joint configuration by itself once it is
 * committed (etcd's auto-leave); otherwise the operator asks for it.
 *
 * <p>Invariants, checked on construction: {@code voters} is non-empty (a joint configuration's
 * both halves are); no list holds a server twice; learners are disjoint from both voter sets
 * (etcd's rule: a voter becomes a learner by leaving the voters first); each list is sorted, so two
 * equal configurations are equal records and iterate in one order; {@code autoLeave} only on a joint
 * configuration.
 *
 * @param voters    the voters (the incoming ones, in a joint configuration)
 * @param outgoing  the outgoing voters of a joint configuration; empty in a simple one
 * @param learners  the non-voting members
 * @param autoLeave whether the leader leaves this joint configuration by itself once it commits
 */
public record Membership(List<NodeId> voters, List<NodeId> outgoing, List<NodeId> learners, boolean autoLeave) {

  public Membership {
    voters = sorted(voters, "voters");
    outgoing = sorted(outgoing, "outgoing");
    learners = sorted(learners, "learners");
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("a configuration needs at least one voter");
    }
    for (NodeId l : learners) {
      if (voters.contains(l) || outgoing.contains(l)) {
        throw new IllegalArgumentException(l + " is both a learner and a voter");
      }
    }
    if (autoLeave && outgoing.isEmpty()) {
      throw new IllegalArgumentException("autoLeave applies to a joint configuration only");
    }
  }

  /** A simple configuration of {@code voters} and {@code learners}. */
  public static Membership of(List<NodeId> voters, List<NodeId> learners) {
    return new Membership(voters, List.of(), learners, false);
  }

  /** A simple configuration of {@code voters} alone. */
  public static Membership voters(List<NodeId> voters) {
    return of(voters, List.of());
  }

  /** Whether this is a joint configuration (thesis §4.3). */
  public boolean isJoint() {
    return !outgoing.isEmpty();
  }

  /** Whether {@code id} votes: it is in either voter set. */
  public boolean isVoter(NodeId id) {
    return voters.contains(id) || outgoing.contains(id);
  }

  public boolean isLearner(NodeId id) {
    return learners.contains(id);
  }

  /** Whether {@code id} is in this configuration at all, as a voter or a learner. */
  public boolean contains(NodeId id) {
    return isVoter(id) || learners.contains(id);
  }

  /** Every voter of either set, sorted. */
  public List<NodeId> allVoters() {
    if (outgoing.isEmpty()) {
      return voters;
    }
    TreeSet<NodeId> all = new TreeSet<>(voters);
    all.addAll(outgoing);
    return List.copyOf(all);
  }

  /** Every member, voters and learners, sorted. */
  public List<NodeId> members() {
    if (outgoing.isEmpty() && learners.isEmpty()) {
      return voters;
    }
    TreeSet<NodeId> all = new TreeSet<>(voters);
    all.addAll(outgoing);
    all.addAll(learners);
    return List.copyOf(all);
  }

  /** Whether {@code granted} holds a majority of the voters, and of the outgoing voters when joint. */
  public boolean isQuorum(Set<NodeId> granted) {
    return majorityOf(voters, granted) && (outgoing.isEmpty() || majorityOf(outgoing, granted));
  }

  private static boolean majorityOf(List<NodeId> set, Set<NodeId> granted) {
    int n = 0;
    for (NodeId id : set) {
      if (granted.contains(id)) {
        n++;
      }
    }
    return n >= set.size() / 2 + 1;
  }

  /**
   * The highest index that a quorum holds, given each voter's match: the median rule of §5.3
   * (Figure 2, last rule for leaders), in each half of a joint configuration, the lower of the two.
   */
  public long quorumIndex(ToLongFunction<NodeId> match) {
    long q = quorumIndexOf(voters, match);
    return outgoing.isEmpty() ? q : Math.min(q, quorumIndexOf(outgoing, match));
  }

  private static long quorumIndexOf(List<NodeId> set, ToLongFunction<NodeId> match) {
    long[] m = new long[set.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = match.applyAsLong(set.get(i));
    }
    Arrays.sort(m);
    return m[m.length - (set.size() / 2 + 1)];
  }

  /** The simple configuration this joint one leaves to: its incoming voters and its learners. */
  public Membership leaveJoint() {
    return of(voters, learners);
  }

  /**
   * How many servers change between this simple configuration and {@code next} (voters and learners
   * alike: adding, removing, promoting or demoting one server is one change). The single-server rule
   * (thesis §4.1) allows one at a time.
   */
  public int changedServers(Membership next) {
    TreeSet<NodeId> all = new TreeSet<>(members());
    all.addAll(next.members());
    int changed = 0;
    for (NodeId id : all) {
      if (isVoter(id) != next.isVoter(id) || learners.contains(id) != next.learners.contains(id)) {
        changed++;
      }
    }
    return changed;
  }

  /**
   * Whether this configuration is one step from {@code current}, the step a leader may take at once:
   * leaving a joint configuration; entering one from a simple configuration (its outgoing voters the
   * current voters, something changed); or a simple configuration that differs from a simple current one
   * in exactly one server (thesis §4.1).
   */
  public boolean isOneStepFrom(Membership current) {
    if (current.isJoint()) {
      return equals(current.leaveJoint());
    }
    if (isJoint()) {
      return outgoing.equals(current.voters()) && !leaveJoint().equals(current);
    }
    return current.changedServers(this) == 1;
  }

  private static List<NodeId> sorted(List<NodeId> ids, String field) {
    List<NodeId> copy = List.copyOf(ids);
    for (int i = 1; i < copy.size(); i++) {
      if (copy.get(i - 1).compareTo(copy.get(i)) >= 0) { // not strictly ascending: sort, and look for duplicates
        TreeSet<NodeId> set = new TreeSet<>(copy);
        if (set.size() != copy.size()) {
          throw new IllegalArgumentException("duplicate server in " + field + " " + copy);
        }
        return List.copyOf(set);
      }
    }
    return copy; // already sorted without duplicates (the common case: no allocation but the copy)
  }

  /**
   * The canonical encoding that a configuration entry contributes to a snapshot's digest
   * ({@link Snapshot#extend}; traces/FORMAT.md §6.1): the UTF-8 bytes of
   * {@code v:VOTERS|o:OUTGOING|l:LEARNERS|a:AUTO}, each list comma-separated in sorted order,
   * {@code AUTO} 1 or 0. {@code {n1,n2,n3}} encodes as {@code v:n1,n2,n3|o:|l:|a:0}.
   */
  public byte[] canonicalBytes() {
    String s = "v:" + names(voters) + "|o:" + names(outgoing) + "|l:" + names(learners) + "|a:" + (autoLeave ? 1 : 0);
    return utf8(s);
  }

  /** {@code s} encoded as UTF-8 (by hand: the spec's core uses java.lang and java.util only). */
  private static byte[] utf8(String s) {
    byte[] out = new byte[s.length() * 4];
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xC0 | (c >> 6));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      } else if (c < 0x10000) {
        out[n++] = (byte) (0xE0 | (c >> 12));
        out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      } else {
        out[n++] = (byte) (0xF0 | (c >> 18));
        out[n++] = (byte) (0x80 | ((c >> 12) & 0x3F));
        out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static String names(List<NodeId> ids) {
    return String.join(",", ids.stream().map(NodeId::name).toList());
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    sb.append(String.join(",", voters.stream().map(NodeId::name).toList()));
    if (isJoint()) {
      sb.append(" & ").append(String.join(",", outgoing.stream().map(NodeId::name).toList()));
      if (autoLeave) {
        sb.append(" auto");
      }
    }
    if (!learners.isEmpty()) {
      sb.append(" learners ").append(String.join(",", learners.stream().map(NodeId::name).toList()));
    }
    return sb.append('}').toString();
  }
}
