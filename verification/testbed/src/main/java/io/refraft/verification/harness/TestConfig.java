package io.refraft.verification.harness;

import io.refraft.verification.fault.FaultKind;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What {@code refraft test} runs.
 *
 * @param nodes        cluster size, 1..9
 * @param seconds      how long the clients and the nemesis run (> 0)
 * @param workload     {@code list-append} or {@code register}
 * @param nemeses      the enabled fault families, of {@link FaultKind#NEMESES} (empty: none)
 * @param rate         target operations per second over all clients (> 0)
 * @param concurrency  client threads (> 0)
 * @param bugs         planted-bug names passed to every node ({@code --inject-bug}); validated already
 * @param out          the run's directory
 * @param seed         seeds the nemesis schedule and the clients' choices
 * @param classPath    the class path the node JVMs run with
 * @param nodeArgs     extra arguments for every node
 * @param tls          whether the nodes speak mutual TLS and HTTPS with client certificates ({@link LocalCluster#tls()})
 */
public record TestConfig(int nodes, int seconds, String workload, Set<FaultKind> nemeses, double rate,
    int concurrency, List<String> bugs, Path out, long seed, String classPath, List<String> nodeArgs, boolean tls) {
  /** A plaintext run. */
  public TestConfig(int nodes, int seconds, String workload, Set<FaultKind> nemeses, double rate,
      int concurrency, List<String> bugs, Path out, long seed, String classPath, List<String> nodeArgs) {
    this(nodes, seconds, workload, nemeses, rate, concurrency, bugs, out, seed, classPath, nodeArgs, false);
  }

  public TestConfig {
    if (nodes < 1 || nodes > 9) {
      throw new IllegalArgumentException("--nodes must be 1..9, got " + nodes);
    }
    if (seconds <= 0) {
      throw new IllegalArgumentException("--time must be > 0 seconds, got " + seconds);
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a number > 0, got " + rate);
    }
    if (concurrency < 1 || concurrency > 1000) {
      throw new IllegalArgumentException("--concurrency must be 1..1000, got " + concurrency);
    }
    Objects.requireNonNull(workload, "workload");
    if (!FaultKind.NEMESES.containsAll(nemeses)) {
      throw new IllegalArgumentException("the nemesis injects only " + FaultKind.NEMESES + ", not " + nemeses);
    }
    nemeses = Set.copyOf(nemeses);
    bugs = List.copyOf(bugs);
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(classPath, "classPath");
    nodeArgs = List.copyOf(nodeArgs);
  }
}
