package io.refraft.verification.harness;

import io.refraft.verification.fault.PartitionShape;
import java.util.List;
import java.util.Objects;

/** One fault the nemesis injects for a while and then heals. */
public sealed interface Fault {

  /** Which node a process fault hits: a fixed one, or whichever leads when the fault starts. */
  sealed interface Target {
    record Node(int index) implements Target {
      public Node {
        if (index < 0) {
          throw new IllegalArgumentException("node index must be >= 0, got " + index);
        }
      }
    }

    record Leader() implements Target {}
  }

  /**
   * A partition of the given shape; {@code order} is a permutation of the node indexes that the
   * shape cuts (e.g. for {@link PartitionShape#HALVES} the first half is the minority).
   */
  record Partition(PartitionShape shape, List<Integer> order) implements Fault {
    public Partition {
      Objects.requireNonNull(shape, "shape");
      order = List.copyOf(order);
    }
  }

  record Kill(Target target) implements Fault {
    public Kill {
      Objects.requireNonNull(target, "target");
    }
  }

  record Pause(Target target) implements Fault {
    public Pause {
      Objects.requireNonNull(target, "target");
    }
  }

  record Restart(Target target) implements Fault {
    public Restart {
      Objects.requireNonNull(target, "target");
    }
  }

  /** The target's file system fills up, then gets its space back ({@link NodeDisks}). */
  record DiskFull(Target target) implements Fault {
    public DiskFull {
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * The target goes down ({@code kill}: kill -9, else cut off from every other node), the others
   * compact their logs past it, and it comes back to catch up by InstallSnapshot ({@link CompactNemesis}).
   */
  record Compact(Target target, boolean kill) implements Fault {
    public Compact {
      Objects.requireNonNull(target, "target");
    }
  }

  /** A short name for the timeline, e.g. {@code kill n2} or {@code partition bridge}. */
  static String describe(Fault f) {
    return switch (f) {
      case Partition p -> "partition " + p.shape().flag();
      case Kill k -> "kill -9 " + target(k.target());
      case Pause p -> "pause " + target(p.target());
      case Restart r -> "restart " + target(r.target());
      case DiskFull d -> "disk-full " + target(d.target());
      case Compact c -> "compact: " + (c.kill() ? "kill -9 " : "isolate ") + target(c.target());
    };
  }

  private static String target(Target t) {
    return switch (t) {
      case Target.Node n -> LocalCluster.id(n.index());
      case Target.Leader l -> "leader";
    };
  }
}
