package io.refraft.traces;

import io.refraft.spec.Membership;
import io.refraft.spec.NodeId;
import io.refraft.traces.LineParser.Bad;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The four fields of a cluster configuration (FORMAT.md §7, revision 6) as they are read, in any
 * order, inside a Configuration entry or payload, a ChangeMembership input or a snapshot's
 * {@code configuration}: {@code voters}, {@code outgoing}, {@code learners} (arrays of node ids) and
 * {@code autoLeave}. All four are required; the spec's {@link Membership} checks the rest (at least
 * one voter, no server twice, learners no voters, auto-leave only on a joint configuration).
 */
final class ConfigurationFields {
  /** The field names, in the order the writer writes them. */
  static final List<String> NAMES = List.of("voters", "outgoing", "learners", "autoLeave");

  private List<NodeId> voters;
  private List<NodeId> outgoing;
  private List<NodeId> learners;
  private Boolean autoLeave;

  /** Reads field {@code f} when it is one of {@link #NAMES}; false (nothing read) otherwise. */
  boolean read(LineParser p, String f, String where) throws IOException {
    switch (f) {
      case "voters" -> voters = ids(p, where + ".voters");
      case "outgoing" -> outgoing = ids(p, where + ".outgoing");
      case "learners" -> learners = ids(p, where + ".learners");
      case "autoLeave" -> autoLeave = p.bool(where + ".autoLeave");
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Whether any of the four fields was read. */
  boolean any() {
    return voters != null || outgoing != null || learners != null || autoLeave != null;
  }

  /** The configuration read; {@code where} names it in errors. */
  Membership build(String where) {
    if (voters == null || outgoing == null || learners == null || autoLeave == null) {
      List<String> missing = new ArrayList<>();
      if (voters == null) {
        missing.add("voters");
      }
      if (outgoing == null) {
        missing.add("outgoing");
      }
      if (learners == null) {
        missing.add("learners");
      }
      if (autoLeave == null) {
        missing.add("autoLeave");
      }
      throw new Bad(where + ": a configuration needs voters, outgoing, learners and autoLeave (missing: "
          + String.join(", ", missing) + ")");
    }
    try {
      return new Membership(voters, outgoing, learners, autoLeave);
    } catch (IllegalArgumentException e) {
      throw new Bad(where + ": invalid configuration: " + e.getMessage());
    }
  }

  private static List<NodeId> ids(LineParser p, String field) throws IOException {
    p.startArray(field);
    List<NodeId> out = new ArrayList<>();
    while (p.nextStringInArray(field)) {
      try {
        out.add(p.id(p.text()));
      } catch (IllegalArgumentException e) {
        throw new Bad("'" + field + "': " + e.getMessage());
      }
    }
    return out;
  }
}
