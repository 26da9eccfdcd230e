package io.refraft.spec.check;

import io.refraft.spec.Membership;
import io.refraft.spec.NodeId;
import java.util.ArrayList;
import java.util.List;

/** The configurations one step from a given one that the cluster model asks leaders for. */
final class MembershipSteps {
  private MembershipSteps() {}

  /**
   * The single-server changes of {@code x} from simple configuration {@code m}: add it as a voter or
   * a learner (not a member), promote it (a learner), remove it (a voter, unless the last, or a
   * learner).
   */
  static List<Membership> singleServer(Membership m, NodeId x) {
    List<Membership> out = new ArrayList<>(2);
    if (!m.contains(x)) {
      out.add(Membership.of(plus(m.voters(), x), m.learners()));
      out.add(Membership.of(m.voters(), plus(m.learners(), x)));
    } else if (m.isLearner(x)) {
      out.add(Membership.of(plus(m.voters(), x), minus(m.learners(), x)));
      out.add(Membership.of(m.voters(), minus(m.learners(), x)));
    } else if (m.voters().size() > 1) {
      out.add(Membership.of(minus(m.voters(), x), m.learners()));
    }
    return out;
  }

  /**
   * The joint configurations that replace one voter of simple configuration {@code m} by a server
   * that is not one (thesis §4.3's motivating case: two servers change at once), each with and
   * without auto-leave.
   */
  static List<Membership> replacements(Membership m, List<NodeId> servers) {
    List<Membership> out = new ArrayList<>();
    for (NodeId out1 : m.voters()) {
      for (NodeId in : servers) {
        if (m.isVoter(in)) {
          continue;
        }
        List<NodeId> voters = plus(minus(m.voters(), out1), in);
        List<NodeId> learners = minus(m.learners(), in);
        out.add(new Membership(voters, m.voters(), learners, true));
        out.add(new Membership(voters, m.voters(), learners, false));
      }
    }
    return out;
  }

  private static List<NodeId> plus(List<NodeId> ids, NodeId x) {
    List<NodeId> out = new ArrayList<>(ids);
    out.add(x);
    return out;
  }

  private static List<NodeId> minus(List<NodeId> ids, NodeId x) {
    List<NodeId> out = new ArrayList<>(ids);
    out.remove(x);
    return out;
  }
}
