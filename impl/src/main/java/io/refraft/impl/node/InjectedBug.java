package io.refraft.impl.node;

import io.refraft.spec.Input;
import io.refraft.spec.Message;
import io.refraft.spec.NodeState;
import io.refraft.spec.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Deliberate bugs that prove the verification tools can fail (issue: planted bugs). Every one is
 * off unless a run names it ({@code refraft node|test|simulate --inject-bug NAME}); production
 * settings carry the empty set. Each breaks one promise the protocol or the KV service makes, and
 * the tool expected to catch it is named with it.
 */
public enum InjectedBug {
  /** Serve reads from the local state machine without ReadIndex: a deposed leader answers stale values (linearizability, Elle). */
  STALE_READ,
  /** Acknowledge a write once appended to the local log, before it is committed (lost acknowledged writes). */
  ACK_BEFORE_COMMIT,
  /** Report writes durable without fsync: a crash loses what the node already promised (trace validator, lost writes). */
  SKIP_FSYNC,
  /** Ignore client sessions: a retried request is applied a second time (Elle duplicate appends). */
  NO_SESSION,
  /** Grant a second vote in a term to another candidate (trace validator, ElectionSafety). */
  VOTE_TWICE;

  /** The name users type: {@code stale-read}, {@code ack-before-commit}, ... */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a user-typed name; the message lists the known ones. */
  public static InjectedBug parse(String flag) {
    for (InjectedBug b : values()) {
      if (b.flag().equals(flag)) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown bug '" + flag + "'; known: " + known());
  }

  /** Parses a comma-separated list (empty or null: no bug). */
  public static Set<InjectedBug> parseList(String flags) {
    Set<InjectedBug> bugs = EnumSet.noneOf(InjectedBug.class);
    if (flags != null && !flags.isBlank()) {
      for (String f : flags.split(",", -1)) {
        bugs.add(parse(f.strip()));
      }
    }
    return bugs;
  }

  /** Every name, comma-separated. */
  public static String known() {
    return Arrays.stream(values()).map(InjectedBug::flag).collect(Collectors.joining(", "));
  }

  /**
   * The {@code vote-twice} bug: a follower that voted in this term, or a candidate (which voted for
   * itself), forgets its vote before a RequestVote from another candidate of the same term, so the
   * spec grants it (§5.2 allows one vote per term). The trace records the step the node took, from
   * the state without the vote; a validator, which holds the state the spec reached (with the
   * vote), sees the second vote where the spec refuses it.
   */
  static NodeState forgetVote(NodeState s, Input input) {
    if (input instanceof Input.MessageReceived(Message.RequestVoteRequest rv) && !rv.preVote()
        && rv.term() == s.term() && (s.role() instanceof Role.Follower || s.role() instanceof Role.Candidate)
        && s.votedFor().isPresent() && !s.votedFor().get().equals(rv.from())) {
      return new NodeState(s.self(), s.config(), s.term(), Optional.empty(), s.log(), s.commitIndex(),
          Role.Follower.UNKNOWN_LEADER);
    }
    return s;
  }
}
