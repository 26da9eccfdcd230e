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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes one line per step the validator takes: a JSON array of what the diagram draws (the
 * layout is {@code F} in view.js, the one place that reads it), a tab, and the step as the trace
 * format writes it. States are stored as deltas: the log as "keep the first k entries, then
 * these", a role's bookkeeping only when it changed; the viewer rebuilds any state from them.
 */
final class StepEncoder implements StepObserver {
  /** Message ids remembered to link a receive to its send: the validator's default retention. */
  private static final int REMEMBERED = 1 << 17;

  /** A role's bookkeeping is written whole at least every this many changes, in between only what changed. */
  private static final int FULL_EVERY = 32;

  private final OutputStream out;
  private final List<NodeId> nodes;
  private final Map<String, Integer> files = new HashMap<>();
  private final List<String> fileNames = new ArrayList<>();
  private final NodeState[] last;
  private final int[] sinceFull;
  private final Map<NodeId, Integer> index = new HashMap<>();
  /** Per message id: {its number, times received}. */
  private final Map<MessageId, int[]> sentIds = new LinkedHashMap<>(1 << 10, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<MessageId, int[]> e) {
      return size() > REMEMBERED;
    }
  };
  private final StringBuilder sb = new StringBuilder(256);
  /** The step's input as StepJson writes it, and its label, set before the step's line is begun. */
  private final StringBuilder input = new StringBuilder(128);
  private String label;
  private int messages;
  private List<Action> specActions;
  private long steps;

  StepEncoder(OutputStream out, List<NodeId> nodes, List<NodeState> initial) {
    this.out = out;
    this.nodes = List.copyOf(nodes);
    this.last = initial.toArray(NodeState[]::new);
    this.sinceFull = new int[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i), i);
    }
  }

  private int index(NodeId id) {
    for (int k = 0; k < nodes.size(); k++) {
      if (nodes.get(k) == id) {
        return k;
      }
    }
    return index.get(id);
  }

  long steps() {
    return steps;
  }

  List<String> fileNames() {
    return fileNames;
  }

  @Override
  public void accepted(String file, long line, TraceStep step, NodeState before, NodeState after,
      List<Action> actions, String inputs) {
    int n = index(step.node());
    NodeState prev = last[n];
    sb.setLength(0);
    head(file, line, step, n);
    state(after.term(), after.votedFor(), role(after.role()), after.commitIndex(), after.log().lastIndex(),
        after.log().lastTerm(), after.leader());
    sb.append(',');
    logDelta(prev.log(), after.log());
    sb.append(',');
    roleDelta(n, prev.role(), after.role());
    sb.append(",[");
    for (int k = 0; k < actions.size(); k++) {
      sb.append(k > 0 ? "," : "").append(actions.get(k).ordinal()); // names: the page's meta "actions"
    }
    sb.append("],");
    str(inputs);
    // a restart that rolled back lost steps replays from an earlier state than the node's last
    sb.append(',').append(before == prev || before.equals(prev) ? 0 : 1).append(",0]");
    last[n] = after;
    specActions = actions;
    emit(step, false);
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
    sb.setLength(0);
    head(file, line, step, n);
    StateSummary s = step.state();
    state(s.term(), s.vote(), s.role().ordinal(), s.commitIndex(), s.lastLogIndex(), s.lastLogTerm(),
        s.leader());
    sb.append(",0,0,[],\"\",0,").append(flag).append(']');
    specActions = null;
    emit(step, true);
  }

  private void emit(TraceStep step, boolean withState) {
    sb.append('\t');
    StepJson.append(sb, step, input, withState, specActions);
    sb.append('\n');
    try {
      // ASCII but for names and free text: the JDK's encoder copies such a string in bulk
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    steps++;
  }

  /** The number of the message a step received, when the page holds its send; else -1. */
  private int refOf(TraceInput in) {
    if (in instanceof TraceInput.MessageReceived r) {
      int[] id = sentIds.get(r.message().id());
      return id == null ? -1 : id[0];
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
      sb.append('0');
      return;
    }
    if (was instanceof Role.Leader a && now instanceof Role.Leader b && ++sinceFull[n] < FULL_EVERY) {
      StringBuilder d = new StringBuilder();
      for (NodeId p : nodes) {
        Role.Progress y = b.progress().get(p);
        if (y != null && !y.equals(a.progress().get(p))) {
          progress(d.append(d.isEmpty() ? "" : "; "), p, y);
        }
      }
      if (!a.recentlyActive().equals(b.recentlyActive())) {
        d.append(d.isEmpty() ? "" : "; ").append("recently active ").append(sorted(b.recentlyActive()));
      }
      if (!a.reads().equals(b.reads())) {
        reads(d.append(d.isEmpty() ? "" : "; "), b.reads());
      }
      if (d.isEmpty()) {
        sb.append('0');
      } else {
        str(d.toString());
      }
      return;
    }
    if (was.equals(now)) {
      sb.append('0');
      return;
    }
    sinceFull[n] = 0;
    str("=" + roleDetail(now));
  }

  /** Node, file, line, time, input kind and label, received message, sent messages. */
  private void head(String file, long line, TraceStep step, int n) {
    input.setLength(0);
    label = StepJson.input(input, step.input(), refOf(step.input()));
    Integer f = files.get(file);
    if (f == null) {
      f = fileNames.size();
      files.put(file, f);
      fileNames.add(file);
    }
    sb.append('[').append(n).append(',').append(f).append(',').append(line).append(',');
    sb.append(step.time().isPresent() ? step.time().getAsLong() : -1).append(',').append(step.seq()).append(',');
    str(step.input().type());
    sb.append(',');
    str(label);
    received(step.input());
    sb.append(",[");
    for (int k = 0; k < step.sent().size(); k++) {
      TracedMessage m = step.sent().get(k);
      int id = messages++;
      sentIds.put(m.id(), new int[] {id, 0});
      sb.append(k > 0 ? "," : "").append(id).append(',').append(index(m.id().to())).append(",\"")
          .append(code(m.message())).append('"');
    }
    sb.append(']');
  }

  /** The received message's number and whether it was received before; -1 when not a receive or unknown. */
  private void received(TraceInput in) {
    if (in instanceof TraceInput.MessageReceived r) {
      int[] id = sentIds.get(r.message().id());
      boolean again = id != null && id[1]++ > 0;
      sb.append(',').append(id == null ? -1 : id[0]).append(',').append(again ? 1 : 0).append(",\"")
          .append(code(r.message().message())).append('"');
    } else {
      sb.append(",-1,0,\"\"");
    }
  }

  /** A message type in two or three letters: the diagram's arrows and the search use it. */
  static String code(Message m) {
    return switch (m) {
      case Message.RequestVoteRequest r -> r.preVote() ? "pVq" : "RVq";
      case Message.RequestVoteResponse r -> r.preVote() ? "pVr" : "RVr";
      case Message.AppendEntriesRequest a -> "AEq";
      case Message.AppendEntriesResponse a -> "AEr";
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
    sb.append(',').append(term).append(',').append(vote.isPresent() ? index(vote.get()) : -1).append(',').append(role)
        .append(',').append(commit).append(',').append(lastIndex).append(',').append(lastTerm).append(',')
        .append(leader.isPresent() ? index(leader.get()) : -1);
  }

  /** 0 when the log is unchanged, else [k, e...]: keep the first k entries, then append e (term; -term for a no-op). */
  private void logDelta(Log before, Log after) {
    if (before == after) {
      sb.append('0');
      return;
    }
    long keep = before.firstDifference(after) - 1;
    if (keep == before.lastIndex() && keep == after.lastIndex()) {
      sb.append('0');
      return;
    }
    sb.append('[').append(keep);
    for (long i = keep + 1; i <= after.lastIndex(); i++) {
      Entry e = after.entry(i);
      sb.append(',').append(e.payload() instanceof Payload.NoOp ? -e.term() : e.term());
    }
    sb.append(']');
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

  private void str(String s) {
    PageText.jsonString(sb, s);
  }
}
