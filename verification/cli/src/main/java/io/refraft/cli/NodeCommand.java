package io.refraft.cli;

import io.refraft.impl.node.SnapshotPolicy;
import io.refraft.impl.node.Timing;
import io.refraft.impl.planted.InjectedBug;
import io.refraft.impl.server.Decorators;
import io.refraft.impl.server.NodeServer;
import io.refraft.impl.server.NodeSettings;
import io.refraft.impl.server.StartupException;
import io.refraft.spec.NodeId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code refraft node}: runs one node until it is stopped (SIGINT/SIGTERM: a clean close) or
 * fails (a storage error: exit 1). Prints one JSON line with its endpoints once it is up.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Run one refraft node: Raft over TCP with its peers, a write-ahead log in --data, and an HTTP API "
        + "(GET /status, POST /propose, POST /admin/block?peer=ID&blocked=true, POST /admin/snapshot, GET /log?from=&to=, "
        + "GET|PUT|DELETE /kv/KEY, POST /kv/KEY/cas|append, POST /txn, POST /session) on --client.",
        "Exit 2: bad arguments, a port in use, an unusable or corrupt data directory (the message names the file and byte offset), a certificate or key file that cannot be used; 1: the node failed while running."})
public final class NodeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--id", required = true, paramLabel = "ID", description = "this node's id, e.g. n1")
  String id;

  @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
      description = "every member's peer address, this node's included")
  String peers;

  @Option(names = "--client", required = true, paramLabel = "HOST:PORT", description = "HTTP API address")
  String client;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "data directory (created if missing)")
  Path data;

  @Option(names = "--cluster-id", defaultValue = "refraft", paramLabel = "ID",
      description = "peers of another cluster id are refused (default: ${DEFAULT-VALUE})")
  String clusterId;

  @Option(names = "--heartbeat-ms", defaultValue = "100", paramLabel = "MS", description = "default: ${DEFAULT-VALUE}")
  long heartbeatMs;

  @Option(names = "--election-ms", defaultValue = "150-300", paramLabel = "MIN-MAX",
      description = "election timeout range, drawn uniformly (default: ${DEFAULT-VALUE})")
  String electionMs;

  @Option(names = "--peer-clients", paramLabel = "ID=URL,...",
      description = "members' HTTP base URLs, so a follower can redirect proposals to the leader")
  String peerClients;

  @Option(names = "--trace", paramLabel = "FILE", description = "append every step to this per-node trace file (traces/FORMAT.md)")
  Path trace;

  @Option(names = "--max-request-bytes", defaultValue = "1048576", paramLabel = "N",
      description = "largest KV request body accepted; larger ones are answered 413 (default: ${DEFAULT-VALUE})")
  int maxRequestBytes;

  @Option(names = "--inject-bug", paramLabel = "NAME[,NAME...]",
      description = "plant deliberate bugs to test the verification tools (never in production): stale-read, ack-before-commit, skip-fsync, lose-synced-tail, no-session, vote-twice")
  String injectBug;

  @Option(names = "--repair",
      description = "start despite a corrupt write-ahead log or snapshot: truncate the log at the damage, set a corrupt "
          + "snapshot aside (renamed *.corrupt); the node then catches up from the leader. Safe only while a quorum of "
          + "the other nodes holds what is dropped")
  boolean repair;

  @Option(names = "--snapshot-entries", defaultValue = "100000", paramLabel = "N",
      description = "snapshot the state machine and compact the log every N applied entries (default: ${DEFAULT-VALUE})")
  long snapshotEntries;

  @Option(names = "--snapshot-bytes", defaultValue = "67108864", paramLabel = "B",
      description = "... or every B bytes of applied entries, whichever comes first (default: ${DEFAULT-VALUE}, 64 MiB)")
  long snapshotBytes;

  @Option(names = "--exit-with-parent", hidden = true,
      description = "stop when the parent process exits (set by 'refraft cluster' so no node outlives it)")
  boolean exitWithParent;

  @Mixin NodeTlsOptions tls;

  /** The planted bugs' wrappers, parsed with the settings (after the other options, as always). */
  private Decorators planted = Decorators.NONE;

  @Override
  public Integer call() throws Exception {
    NodeSettings settings = settings();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    NodeServer server;
    try {
      server = NodeServer.start(settings, planted, ended::complete);
    } catch (StartupException | IllegalArgumentException e) {
      throw new UserError(id + ": " + e.getMessage());
    }
    Thread hook = new Thread(server::close, "shutdown-" + id);
    Runtime.getRuntime().addShutdownHook(hook);
    if (exitWithParent) {
      ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> ended.complete(null)));
    }
    InetSocketAddress c = server.clientAddress();
    spec.commandLine().getOut().println("{\"id\":" + Json.q(id) + ",\"client\":"
        + Json.q((settings.tls().client().isPresent() ? "https://" : "http://") + c.getHostString() + ":" + c.getPort()) + ",\"peer\":"
        + Json.q(server.transport().localAddress().getHostString() + ":" + server.transport().localAddress().getPort())
        + ",\"data\":" + Json.q(data.toString()) + "}");
    spec.commandLine().getOut().flush();
    Throwable cause;
    try {
      cause = ended.get();
    } catch (ExecutionException e) {
      cause = e.getCause();
    }
    server.close();
    if (cause != null) {
      spec.commandLine().getErr().println("refraft: node " + id + " stopped: " + cause);
      return 1;
    }
    return 0;
  }

  private SnapshotPolicy snapshotPolicy() {
    try {
      return new SnapshotPolicy(snapshotEntries, snapshotBytes);
    } catch (IllegalArgumentException e) {
      throw new UserError("--snapshot-entries/--snapshot-bytes: " + e.getMessage());
    }
  }

  private java.util.Set<InjectedBug> bugs() {
    try {
      return InjectedBug.parseList(injectBug);
    } catch (IllegalArgumentException e) {
      throw new UserError("--inject-bug: " + e.getMessage());
    }
  }

  private NodeSettings settings() {
    NodeId self;
    try {
      self = NodeId.of(id);
    } catch (IllegalArgumentException e) {
      throw new UserError("--id: " + e.getMessage());
    }
    Map<NodeId, InetSocketAddress> members = new LinkedHashMap<>();
    Addresses.idList("--peers", peers).forEach((peer, addr) -> members.put(peer, Addresses.hostPort("--peers " + peer, addr)));
    if (!members.containsKey(self)) {
      throw new UserError("--peers must list this node (" + self + ") too, got " + members.keySet());
    }
    Map<NodeId, String> clients = peerClients == null ? Map.of() : Addresses.idList("--peer-clients", peerClients);
    long[] election = Addresses.range("--election-ms", electionMs);
    Timing timing;
    try {
      timing = new Timing(Duration.ofMillis(heartbeatMs), Duration.ofMillis(election[0]), Duration.ofMillis(election[1]));
    } catch (IllegalArgumentException e) {
      throw new UserError("--heartbeat-ms/--election-ms: " + e.getMessage());
    }
    // the composition root of a real node: NodeServer wraps its collaborators with these
    planted = InjectedBug.all(bugs());
    try {
      return new NodeSettings(self, members, Addresses.hostPort("--client", client), data, clusterId, timing, clients,
          java.util.Optional.ofNullable(trace), maxRequestBytes, tls.settings(), repair, snapshotPolicy());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
