package io.refraft.cli;

import io.refraft.verification.harness.LocalCluster;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft cluster}: runs N node processes on this machine until SIGINT/SIGTERM, printing each
 * node's endpoint and every change of leader. The same {@code --dir} recovers the same cluster.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Run a local cluster of node processes (client ports P..P+N-1, peer ports P+100..P+100+N-1) "
        + "until interrupted; the same --dir recovers the same cluster.",
        "Exit 0 after Ctrl-C; 1 when a node could not start; 2: bad usage."})
public final class ClusterCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "3", paramLabel = "N", description = "1..9 (default: ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--dir", defaultValue = "refraft-cluster", paramLabel = "D",
      description = "data and log directory (default: ${DEFAULT-VALUE})")
  Path dir;

  @Option(names = "--port", defaultValue = "7001", paramLabel = "P", description = "first client port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--trace", description = "each node appends its steps to DIR/traces/nI.trace.ndjson (traces/FORMAT.md); check them with 'refraft verify-trace --run DIR/traces'")
  boolean trace;

  @Option(names = "--tls", description = "make a throwaway CA and certificates in DIR/tls (again at every start) and run "
      + "the nodes with mutual TLS between peers and HTTPS requiring client certificates; clients use "
      + "--cacert DIR/tls/ca.pem --cert DIR/tls/client.pem --key DIR/tls/client.key")
  boolean tls;

  @Option(names = "--node-args", paramLabel = "ARGS", split = " ",
      description = "extra arguments for every node, e.g. \"--heartbeat-ms 50 --election-ms 100-200\"")
  List<String> nodeArgs = new ArrayList<>();

  @Option(names = "--node-jvm", paramLabel = "FLAGS", split = " ",
      description = "every node's JVM flags (default: \"" + LocalCluster.NODE_JVM_FLAGS + "\", as 'refraft node')")
  List<String> nodeJvm = new ArrayList<>(LocalCluster.NODE_JVM);

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 9) {
      throw new UserError("--nodes must be 1..9, got " + nodes);
    }
    if (port < 1 || port + 100 + nodes - 1 > 65_535) {
      throw new UserError("--port " + port + " leaves no room for peer ports up to " + (port + 100 + nodes - 1));
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError("--dir " + dir + ": cannot create it: " + e.getMessage());
    }
    int[] clientPorts = new int[nodes];
    int[] peerPorts = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      clientPorts[i] = port + i;
      peerPorts[i] = port + 100 + i;
    }
    PrintWriter out = spec.commandLine().getOut();
    LocalCluster cluster = new LocalCluster(dir, clientPorts, peerPorts, System.getProperty("java.class.path"), nodeJvm,
        nodeArgs);
    cluster.trace(trace);
    if (tls) {
      cluster.tls();
      cluster.clientTls().ifPresent(javax.net.ssl.SSLContext::setDefault); // for this command's own /status calls
      out.println("TLS: clients use --cacert " + dir.resolve("tls/ca.pem") + " --cert " + dir.resolve("tls/client.pem")
          + " --key " + dir.resolve("tls/client.key"));
    }
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      done.countDown();
      cluster.close();
    }, "cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (int i = 0; i < nodes; i++) {
      cluster.start(i);
    }
    for (int i = 0; i < nodes; i++) {
      if (!awaitUp(cluster, i)) {
        spec.commandLine().getErr().println("refraft: " + LocalCluster.id(i) + " did not start; its log "
            + cluster.logFile(i) + " ends with:");
        spec.commandLine().getErr().println(tail(cluster.logFile(i)));
        return 1;
      }
      out.println(LocalCluster.id(i) + " " + cluster.url(i) + "  (data " + cluster.dataDir(i) + ", log "
          + cluster.logFile(i) + ")");
    }
    out.flush();
    monitor(cluster, out, done);
    return 0;
  }

  /** Until interrupted: prints the leader whenever it changes, and nodes that exit. */
  private static void monitor(LocalCluster cluster, PrintWriter out, CountDownLatch done) throws InterruptedException {
    String lastLeader = "";
    boolean[] reportedDead = new boolean[cluster.size()];
    while (!done.await(250, TimeUnit.MILLISECONDS)) {
      for (int i = 0; i < cluster.size(); i++) {
        Optional<Process> p = cluster.process(i);
        if (p.isPresent() && !p.get().isAlive() && !reportedDead[i]) {
          reportedDead[i] = true;
          out.println(LocalCluster.id(i) + " exited with code " + p.get().exitValue() + "; see " + cluster.logFile(i));
        }
      }
      String leader = leader(cluster);
      if (!leader.equals(lastLeader) && !leader.isEmpty()) {
        out.println("leader: " + leader);
        lastLeader = leader;
      }
      out.flush();
    }
  }

  private static String leader(LocalCluster cluster) {
    for (int i = 0; i < cluster.size(); i++) {
      Optional<JsonNode> s = NodeClient.status(cluster.url(i));
      if (s.isPresent() && "Leader".equals(s.get().path("role").asText())) {
        return s.get().path("id").asText() + " " + cluster.url(i) + " (term " + s.get().path("term").asText() + ")";
      }
    }
    return "";
  }

  private static boolean awaitUp(LocalCluster cluster, int i) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    CountDownLatch never = new CountDownLatch(1);
    while (System.nanoTime() < deadline) {
      Optional<Process> p = cluster.process(i);
      if (p.isEmpty() || !p.get().isAlive()) {
        return false;
      }
      if (NodeClient.status(cluster.url(i)).isPresent()) {
        return true;
      }
      never.await(100, TimeUnit.MILLISECONDS);
    }
    return false;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(cannot read it: " + e.getMessage() + ")";
    }
  }
}
