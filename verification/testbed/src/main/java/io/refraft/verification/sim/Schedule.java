package io.refraft.verification.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.verification.fault.PartitionShape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A nemesis schedule made explicit: the faults a run injected, each with its virtual start time and
 * duration. {@link Simulation} records the schedule it drew from the seed; a re-run with the same
 * seed and a subset of it replays everything else unchanged, which is how a failure's schedule is
 * shrunk ({@link Shrinker}).
 *
 * <p>Invariants: (1) faults are ordered by start time; (2) times and durations are {@code >= 0}.
 */
public record Schedule(List<Planned> faults) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Schedule {
    faults = faults.stream().sorted(Comparator.comparingLong(Planned::at)).toList();
  }

  /**
   * How schedule files and the simulator's output (its digest included) name a shape: two shapes
   * keep the names they had before the simulator shared {@link PartitionShape} with the harness.
   */
  static String flag(PartitionShape shape) {
    return switch (shape) {
      case ISOLATE_ONE -> "isolate-one";
      case ISOLATE_LEADER -> "isolate-leader";
      case HALVES -> "majority-minority";
      case BRIDGE -> "bridge";
      case MAJORITIES_RING -> "ring";
    };
  }

  /** The shape named {@code name} as {@link #flag} spells it, in any case, {@code _} for {@code -}. */
  private static PartitionShape shape(String name) {
    String normal = name.toUpperCase(Locale.ROOT).replace('-', '_');
    for (PartitionShape s : PartitionShape.values()) {
      if (flag(s).toUpperCase(Locale.ROOT).replace('-', '_').equals(normal)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown shape '" + name
        + "' (expected isolate-one, isolate-leader, majority-minority, bridge or ring)");
  }

  /** One fault: starts at {@code at} nanoseconds of virtual time, undone {@code duration} later. */
  public sealed interface Planned permits Partition, Crash, SlowDisk {
    long at();

    long duration();
  }

  /**
   * A network partition of {@code shape} (healed when it ends); {@code order} is a permutation of the
   * node indexes ({@link PartitionShape#cut}).
   */
  public record Partition(long at, long duration, PartitionShape shape, List<Integer> order) implements Planned {
    public Partition {
      check(at, duration);
      Objects.requireNonNull(shape, "shape");
      order = List.copyOf(order);
    }
  }

  /** Node {@code node}'s process dies (unsynced writes lost) and restarts from its disk when it ends. */
  public record Crash(long at, long duration, int node) implements Planned {
    public Crash {
      check(at, duration);
    }
  }

  /** Node {@code node}'s fsyncs take milliseconds; its state thread waits for each. */
  public record SlowDisk(long at, long duration, int node) implements Planned {
    public SlowDisk {
      check(at, duration);
    }
  }

  private static void check(long at, long duration) {
    if (at < 0 || duration < 0) {
      throw new IllegalArgumentException("fault times must be >= 0, got at=" + at + " duration=" + duration);
    }
  }

  /** This schedule without the faults at positions {@code [from, to)}. */
  public Schedule without(int from, int to) {
    List<Planned> rest = new ArrayList<>(faults.subList(0, from));
    rest.addAll(faults.subList(to, faults.size()));
    return new Schedule(rest);
  }

  /** One line per fault, e.g. {@code 1.204 s: partition bridge [2, 0, 1] for 0.850 s}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (Planned p : faults) {
      b.append(String.format(Locale.ROOT, "%.3f s: ", p.at() / 1e9)).append(switch (p) {
        case Partition x -> "partition " + flag(x.shape()) + " " + x.order();
        case Crash x -> "crash n" + (x.node() + 1);
        case SlowDisk x -> "fsync-latency n" + (x.node() + 1);
      }).append(String.format(Locale.ROOT, " for %.3f s%n", p.duration() / 1e9));
    }
    return b.toString();
  }

  public String toJson() {
    ArrayNode a = JSON.createArrayNode();
    for (Planned p : faults) {
      ObjectNode o = a.addObject().put("at_ns", p.at()).put("duration_ns", p.duration());
      switch (p) {
        case Partition x -> {
          o.put("fault", "partition").put("shape", flag(x.shape()));
          x.order().forEach(o.putArray("order")::add);
        }
        case Crash x -> o.put("fault", "crash").put("node", x.node());
        case SlowDisk x -> o.put("fault", "fsync-latency").put("node", x.node());
      }
    }
    return a.toPrettyString();
  }

  /**
   * Reads {@link #toJson()}'s format.
   *
   * @throws IllegalArgumentException naming the entry and field that is wrong
   */
  public static Schedule fromJson(String text, int nodes) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("schedule: not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("schedule: expected a JSON array of faults");
    }
    List<Planned> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      out.add(entry(root.get(i), i, nodes));
    }
    return new Schedule(out);
  }

  private static Planned entry(JsonNode e, int i, int nodes) {
    String where = "schedule entry " + i + ": ";
    long at = number(e, "at_ns", where);
    long duration = number(e, "duration_ns", where);
    String fault = e.path("fault").asText("");
    try {
      return switch (fault) {
        case "partition" -> {
          PartitionShape shape = shape(e.path("shape").asText(""));
          List<Integer> order = new ArrayList<>();
          e.path("order").forEach(n -> order.add(n.asInt()));
          if (!order.stream().sorted().toList().equals(java.util.stream.IntStream.range(0, nodes).boxed().toList())) {
            throw new IllegalArgumentException("'order' must be a permutation of 0.." + (nodes - 1));
          }
          yield new Partition(at, duration, shape, order);
        }
        case "crash" -> new Crash(at, duration, node(e, nodes));
        case "fsync-latency" -> new SlowDisk(at, duration, node(e, nodes));
        default -> throw new IllegalArgumentException("unknown fault '" + fault
            + "' (expected partition, crash or fsync-latency)");
      };
    } catch (IllegalArgumentException x) {
      throw new IllegalArgumentException(where + x.getMessage(), x);
    }
  }

  private static int node(JsonNode e, int nodes) {
    int n = e.path("node").asInt(-1);
    if (n < 0 || n >= nodes) {
      throw new IllegalArgumentException("'node' must be in 0.." + (nodes - 1));
    }
    return n;
  }

  private static long number(JsonNode e, String field, String where) {
    if (!e.path(field).canConvertToLong() || e.path(field).asLong() < 0) {
      throw new IllegalArgumentException(where + "'" + field + "' must be a whole number >= 0");
    }
    return e.path(field).asLong();
  }
}
