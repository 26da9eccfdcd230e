package io.refraft.verification.trace;

import io.refraft.spec.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * The first place where a trace and the spec part: where (file, line, node, seq), what kind of
 * disagreement, a sentence, the fields that differ and the steps that led there.
 *
 * @param context the last few steps validated before this one, oldest first, one line each
 */
public record Divergence(String file, long line, NodeId node, long seq, Kind kind, String reason,
    List<FieldDiff> diffs, List<String> context) {

  public Divergence {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    diffs = List.copyOf(diffs);
    context = List.copyOf(context);
  }

  /** What disagreed; the sidecar {@code .expected} files of the corpus name it in lower case. */
  public enum Kind {
    /** The post-state summary differs from the spec's. */
    STATE,
    /** What the step made durable differs from what the spec makes durable before sending. */
    PERSISTED,
    /** The messages sent differ from the spec's. */
    SENT,
    /** The actions named differ from the spec's. */
    ACTIONS,
    /** The reads answered (served or rejected) differ from the spec's. */
    READS,
    /** The log index the step applied through differs from the spec's (reported by the trace's {@code applied}). */
    APPLIED,
    /** A received message was never sent (or not any more: see the retention option). */
    UNSENT_MESSAGE,
    /** A received message differs from the message sent with its id. */
    ALTERED_MESSAGE,
    /** A message was received again, and the header's network does not duplicate. */
    DUPLICATE_DELIVERY,
    /** A message id was sent twice. */
    REUSED_MESSAGE_ID,
    /** The reconstructed cluster breaks one of the spec's invariants. */
    INVARIANT
  }

  /** One field: what the spec expected and what the trace shows. */
  public record FieldDiff(String field, String expected, String observed) {
    public FieldDiff {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(observed, "observed");
    }
  }

  /** The divergence in a few lines of English, for people. */
  public String explain() {
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(':').append(line).append(": ").append(node).append(" step ").append(seq).append(": ")
        .append(reason);
    for (FieldDiff d : diffs) {
      sb.append("\n  ").append(d.field()).append(": expected ").append(d.expected()).append(", observed ")
          .append(d.observed());
    }
    if (!context.isEmpty()) {
      sb.append("\n  after:");
      for (String c : context) {
        sb.append("\n    ").append(c);
      }
    }
    return sb.toString();
  }
}
