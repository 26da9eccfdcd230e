package io.refraft.verification.view;

import io.refraft.spec.Action;
import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.spec.Payload;
import io.refraft.spec.Role;
import io.refraft.traces.MessageId;
import io.refraft.traces.StateSummary;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TracedMessage;
import io.refraft.verification.trace.StepObserver;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes one line per step the validator takes: the step's fields for the step panel ({@link
 * StepJson}), a tab, and a JSON array of what the diagram draws (the layout is {@code F} in
 * view.js, the one place that reads it). States are stored as deltas: the log as "keep the first
 * k entries, then these", a role's bookkeeping only when it changed; the viewer rebuilds any state
 * from them.
 */
final class StepEncoder implements StepObserver {
  /** Message ids remembered to link a receive to its send: about the validator's default retention. */
  private static final int REMEMBERED = 1 << 17;

  /** A role's bookkeeping is written whole at least every this many changes, in between only what changed. */
  private static final int FULL_EVERY = 32;

  private final PageBytes b;
  private final List<NodeId> nodes;
  private final NodeId[] ids;
  private final Map<String, Integer> files = new HashMap<>();
  private final List<String> fileNames = new ArrayList<>();
  private final NodeState[] last;
  private final int[] sinceFull;
  private final Map<NodeId, Integer> index = new HashMap<>();
  private final Sends sends;
  private final java.util.function.ToIntFunction<NodeId> indexOf = this::index;
  private final StringBuilder detail = new StringBuilder(128);
  private long steps;

  StepEncoder(OutputStream out, List<NodeId> nodes, List<NodeState> initial) {
    this.b = new PageBytes(out);
    this.nodes = List.copyOf(nodes);
    this.ids = nodes.toArray(NodeId[]::new);
    this.last = initial.toArray(NodeState[]::new);
    this.sinceFull = new int[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i), i);
    }
    this.sends = new Sends(nodes.size(), REMEMBERED);
  }

  /** The node's index in the header's list, -1 for one not in it. */
  private int index(NodeId id) {
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] == id) { // the decoder reuses the header's ids (LineParser.knownId); the map finds others
        return k;
      }
    }
    return index.getOrDefault(id, -1);
  }

  long steps() {
    return steps;
  }

  List<String> fileNames() {
    return fileNames;
  }

  /** Writes out the last lines; call once, after the last step. */
  void flush() {
    b.flush();
  }

  @Override
  public void accepted(String file, long line, TraceStep step, NodeState before, NodeState after,
      List<Action> actions, String inputs) {
    int n = index(step.node());
    NodeState prev = last[n];
    long got = receive(step.input());
    String label = StepJson.input(b, step.input(), got < 0 ? -1 : (int) (got >> 1), indexOf);
    StepJson.append(b, step, false, actions, indexOf);
    head(file, line, step, n, label, got);
    state(after.term(), after.votedFor(), role(after.role()), after.commitIndex(), after.log().lastIndex(),
        after.log().lastTerm(), after.leader());
    b.ch(',');
    logDelta(prev.log(), after.log());
    b.ch(',');
    roleDelta(n, prev.role(), after.role());
    b.ascii(",[");
    for (int k = 0; k < actions.size(); k++) {
      (k > 0 ? b.ch(',') : b).num(actions.get(k).ordinal()); // names: the page's meta "actions"
    }
    b.ascii("],").str(inputs);
    // a restart that rolled back lost steps replays from an earlier state than the node's last
    b.ch(',').ch(before == prev || before.equals(prev) ? '0' : '1').ascii(",0]");
    last[n] = after;
    end();
  }

  @Override
  public void diverged(String file, long line, TraceStep step, NodeState before) {
    unvalidated(file, line, step, 1);
  }

  /**
   * A step the spec did not explain: the divergent one ({@code flag} 1) or one after it (2), which
   * the validator never reached; drawn from the trace's own state summary (its log is not known).
   */
  void unvalidated(String file, long line, TraceStep step, int flag) {
    int n = index(step.node());
    long got = receive(step.input());
    String label = StepJson.input(b, step.input(), got < 0 ? -1 : (int) (got >> 1), indexOf);
    StepJson.append(b, step, true, null, indexOf);
    head(file, line, step, n, label, got);
    StateSummary s = step.state();
    state(s.term(), s.vote(), s.role().ordinal(), s.commitIndex(), s.lastLogIndex(), s.lastLogTerm(),
        s.leader());
    b.ascii(",0,0,[],\"\",0,").num(flag).ch(']');
    end();
  }

  private void end() {
    b.ch('\n');
    b.maybeFlush();
    steps++;
  }

  /** Counts a receive: -1 when not one or its send is not held, else its number times two, plus one for a repeat. */
  private long receive(TraceInput in) {
    if (in instanceof TraceInput.MessageReceived r) {
      MessageId id = r.message().id();
      return sends.receive(r.message(), index(id.from()), index(id.to()));
    }
    return -1;
  }

  /**
   * A role's bookkeeping, as a delta: 0 unchanged; "=" and the whole of it; or only the parts
   * ("; "-separated, each keyed by its first word) that changed. A leader's progress changes on
   * most of its steps, one peer at a time, so the page stores that peer's alone.
   */
  private void roleDelta(int n, Role was, Role now) {
    if (was == now) {
      b.ch('0');
      return;
    }
    if (was instanceof Role.Leader a && now instanceof Role.Leader l && ++sinceFull[n] < FULL_EVERY) {
      StringBuilder d = detail;
      d.setLength(0);
      // identity first: the spec keeps what a step did not change, so most comparisons end there
      for (int k = 0; a.progress() != l.progress() && k < ids.length; k++) {
        Role.Progress y = l.progress().get(ids[k]);
        Role.Progress x = a.progress().get(ids[k]);
        if (y != null && y != x && !y.equals(x)) {
          progress(d.append(d.isEmpty() ? "" : "; "), ids[k], y);
        }
      }
      if (a.recentlyActive() != l.recentlyActive() && !a.recentlyActive().equals(l.recentlyActive())) {
        d.append(d.isEmpty() ? "" : "; ").append("recently active ").append(sorted(l.recentlyActive()));
      }
      if (a.reads() != l.reads() && !a.reads().equals(l.reads())) {
        reads(d.append(d.isEmpty() ? "" : "; "), l.reads());
      }
      if (d.isEmpty()) {
        b.ch('0');
      } else {
        b.str(d.toString());
      }
      return;
    }
    if (was.equals(now)) {
      b.ch('0');
      return;
    }
    sinceFull[n] = 0;
    b.str("=" + roleDetail(now));
  }

  /** Tab, then node, file, line, time, seq, input kind and label, received message, sent messages. */
  private void head(String file, long line, TraceStep step, int n, String label, long got) {
    Integer f = files.get(file);
    if (f == null) {
      f = fileNames.size();
      files.put(file, f);
      fileNames.add(file);
    }
    b.ascii("\t[").num(n).ch(',').num(f).ch(',').num(line).ch(',');
    b.num(step.time().isPresent() ? step.time().getAsLong() : -1).ch(',').num(step.seq()).ch(',');
    b.str(step.input().type()).ch(',').str(label);
    received(step.input(), got);
    b.ascii(",[");
    for (int k = 0; k < step.sent().size(); k++) {
      TracedMessage m = step.sent().get(k);
      int to = index(m.id().to());
      int id = sends.add(m, index(m.id().from()), to);
      (k > 0 ? b.ch(',') : b).num(id).ch(',').num(to).ascii(",\"").ascii(code(m.message())).ch('"');
    }
    b.ch(']');
  }

  /** The received message's number and whether it was received before; -1 when not a receive or unknown. */
  private void received(TraceInput in, long got) {
    if (in instanceof TraceInput.MessageReceived r) {
      b.ch(',').num(got < 0 ? -1 : got >> 1).ch(',').num(got < 0 ? 0 : got & 1).ascii(",\"")
          .ascii(code(r.message().message())).ch('"');
    } else {
      b.ascii(",-1,0,\"\"");
    }
  }

  /** A message type in two or three letters: the diagram's arrows and the search use it. */
  static String code(Message m) {
    return switch (m) {
      case Message.RequestVoteRequest r -> r.preVote() ? "pVq" : "RVq";
      case Message.RequestVoteResponse r -> r.preVote() ? "pVr" : "RVr";
      case Message.AppendEntriesRequest a -> "AEq";
      case Message.AppendEntriesResponse a -> "AEr";
      case Message.InstallSnapshotRequest s -> "ISq";
      case Message.InstallSnapshotResponse s -> "ISr";
      case Message.TimeoutNow t -> "TN";
    };
  }

  private static int role(Role r) {
    return switch (r) {
      case Role.Follower f -> 0;
      case Role.PreCandidate p -> 1;
      case Role.Candidate c -> 2;
      case Role.Leader l -> 3;
    };
  }

  private void state(long term, Optional<NodeId> vote, int role, long commit, long lastIndex, long lastTerm,
      Optional<NodeId> leader) {
    b.ch(',').num(term).ch(',').num(vote.isPresent() ? index(vote.get()) : -1).ch(',').num(role)
        .ch(',').num(commit).ch(',').num(lastIndex).ch(',').num(lastTerm).ch(',')
        .num(leader.isPresent() ? index(leader.get()) : -1);
  }

  /**
   * 0 when the log is unchanged, else [k, e...]: keep the first k entries, then append e (term; -term
   * for a no-op; 0 for an entry compacted into a snapshot the page has not seen).
   */
  private void logDelta(Log before, Log after) {
    if (before == after) {
      b.ch('0');
      return;
    }
    long keep = before.firstDifference(after) - 1;
    if (keep == before.lastIndex() && keep == after.lastIndex()) {
      b.ch('0');
      return;
    }
    b.ch('[').num(keep);
    for (long i = keep + 1; i <= after.lastIndex(); i++) {
      if (i < after.firstIndex()) {
        b.ch(',').num(0);
        continue;
      }
      Entry e = after.entry(i);
      b.ch(',').num(e.payload() instanceof Payload.NoOp ? -e.term() : e.term());
    }
    b.ch(']');
  }

  /** A role's bookkeeping in words: votes of a (pre-)candidate, a leader's progress and reads. */
  private String roleDetail(Role r) {
    return switch (r) {
      case Role.Follower f -> "";
      case Role.PreCandidate p -> "pre-votes granted " + sorted(p.granted()) + ", answered " + sorted(p.responded());
      case Role.Candidate c -> "votes granted " + sorted(c.granted()) + ", answered " + sorted(c.responded());
      case Role.Leader l -> {
        StringBuilder b = new StringBuilder();
        for (NodeId p : nodes) {
          Role.Progress x = l.progress().get(p);
          if (x != null) {
            progress(b, p, x).append("; ");
          }
        }
        b.append("recently active ").append(sorted(l.recentlyActive()));
        if (l.reads().round() > 0 || !l.reads().pending().isEmpty()) {
          reads(b.append("; "), l.reads());
        }
        yield b.toString();
      }
    };
  }

  private static StringBuilder progress(StringBuilder b, NodeId p, Role.Progress x) {
    return b.append(p.name()).append(" next=").append(x.next()).append(" match=").append(x.match());
  }

  private static void reads(StringBuilder b, Role.Reads r) {
    b.append("read round ").append(r.round()).append(", pending reads ").append(r.pending().size());
  }

  private static List<String> sorted(java.util.Set<NodeId> ids) {
    return ids.stream().map(NodeId::name).sorted().toList();
  }
}
