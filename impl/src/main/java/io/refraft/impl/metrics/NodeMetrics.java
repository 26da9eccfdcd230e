package io.refraft.impl.metrics;

import io.refraft.impl.http.Handler;
import io.refraft.impl.net.PeerStats;
import io.refraft.impl.net.Refusal;
import io.refraft.impl.net.TcpTransport;
import io.refraft.impl.net.Transport;
import io.refraft.impl.node.Driver;
import io.refraft.impl.node.NodeStatus;
import io.refraft.impl.node.NoSpaceException;
import io.refraft.impl.node.NodeStoppedException;
import io.refraft.impl.node.NotLeaderException;
import io.refraft.impl.node.ProposalLostException;
import io.refraft.impl.node.StepFunction;
import io.refraft.impl.storage.FileStorage;
import io.refraft.impl.storage.Storage;
import io.refraft.spec.Action;
import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Transition;
import io.refraft.traces.StateSummary.RoleName;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One node's metrics (impl/README.md, "Metrics"): the families, and the wrappers the composition root
 * puts around the node's parts as it builds them. Counted as they happen: elections and leader
 * changes (from the spec's actions and states, in a wrapper of the step), proposals and reads by
 * outcome (when their futures complete), storage syncs (a wrapper of the storage), Raft messages by
 * type (a wrapper of the transport), HTTP requests (a wrapper of the handler). Read when scraped:
 * term, role, indexes and followers' progress (the driver's published status), and the transport's
 * per-peer counters. Nothing here runs on the driver's thread but the counting wrappers, which add
 * a few uncontended increments to a step or a sync.
 */
public final class NodeMetrics {
  private final MetricsRegistry registry = new MetricsRegistry();
  private final Counter elections;
  private final Counter preElections;
  private final Counter leaderChanges;
  private final BiConsumer<Long, Throwable> proposalOutcome;
  private final BiConsumer<Long, Throwable> readOutcome;
  private final StorageCounters storage;
  private final MetricsRegistry.Labeled<Counter> messages;
  private final MetricsRegistry.Labeled<Counter> messageBytes;
  private final HttpMetrics http;
  private volatile Driver driver;
  private volatile TcpTransport transport;
  private volatile MeteredStorage meteredStorage;
  private volatile List<String> peers = List.of();

  /** The storage families, which {@link MeteredStorage} counts into. */
  record StorageCounters(Counter fsyncs, Histogram fsyncSeconds, Histogram entriesPerFsync, Counter entries) {}

  public NodeMetrics(String nodeId, String clusterId) {
    registry.collect("refraft_node_info", "Constant 1, labelled with this node's id and cluster id",
        MetricsRegistry.Type.GAUGE, List.of("id", "cluster"), out -> out.add(1, nodeId, clusterId));
    raftGauges();
    elections = registry.counter("refraft_raft_elections_started_total",
        "Elections this node started: it became a candidate in a new term (raft.tla Timeout, §5.2)");
    preElections = registry.counter("refraft_raft_pre_elections_started_total",
        "Pre-vote rounds this node started: it became a pre-candidate (thesis §9.6)");
    leaderChanges = registry.counter("refraft_raft_leader_changes_seen_total",
        "Leaderships this node learned of: a leader known in a term in which it knew none before");
    proposalOutcome = outcomes(registry.counters("refraft_raft_proposals_total",
        "Client proposals by outcome: ok (applied here), not_leader, no_space (disk full), stopped (refused, "
            + "nothing appended), lost (outcome unknown: overloaded, stopped while waiting, or the entry replaced by "
            + "another leader's)", "outcome"));
    readOutcome = outcomes(registry.counters("refraft_raft_reads_total",
        "Linearizable reads (ReadIndex, thesis §6.4) by outcome: ok, not_leader, lost (the node stopped)", "outcome"));
    storage = storageFamilies();
    messages = registry.counters("refraft_transport_messages_total",
        "Raft messages by direction (sent: handed to the transport; received: handed to the driver) and type",
        "direction", "type");
    messageBytes = registry.counters("refraft_transport_message_bytes_total",
        "Encoded bytes of those Raft messages (frame headers excluded) by direction and type", "direction", "type");
    transportFamilies();
    http = new HttpMetrics(registry);
  }

  private void raftGauges() {
    statusGauge("refraft_raft_term", "The node's current term", NodeStatus::term);
    registry.collect("refraft_raft_role", "1 for the role the node has, 0 for the others", MetricsRegistry.Type.GAUGE,
        List.of("role"), out -> status().ifPresent(s -> {
          for (RoleName r : RoleName.values()) {
            out.add(r == s.role() ? 1 : 0, snake(r.name()));
          }
        }));
    statusGauge("refraft_raft_has_leader", "1 when the node knows a leader of its term, else 0",
        s -> s.leader().isPresent() ? 1 : 0);
    statusGauge("refraft_raft_commit_index", "The highest log index known committed", NodeStatus::commitIndex);
    statusGauge("refraft_raft_applied_index", "The highest log index applied to the state machine",
        NodeStatus::lastApplied);
    statusGauge("refraft_raft_last_log_index", "The index of the last entry in the log", NodeStatus::lastLogIndex);
    registry.collect("refraft_raft_follower_match_index", "On a leader: the highest index known replicated on each "
        + "follower (matchIndex, Figure 2)", MetricsRegistry.Type.GAUGE, List.of("peer"), out -> status().ifPresent(s ->
            s.progress().forEach((peer, p) -> out.add(p.matchIndex(), peer.name()))));
    registry.collect("refraft_raft_follower_lag_entries", "On a leader: entries of its log each follower is not "
        + "known to hold (last log index - matchIndex)", MetricsRegistry.Type.GAUGE, List.of("peer"),
        out -> status().ifPresent(s ->
            s.progress().forEach((peer, p) -> out.add(s.lastLogIndex() - p.matchIndex(), peer.name()))));
    registry.collect("refraft_raft_snapshots_installed_total", "Leaders' snapshots this process installed "
        + "(InstallSnapshot, §7: the state machine reset to one)", MetricsRegistry.Type.COUNTER, List.of(), out -> {
          Driver d = driver;
          if (d != null) {
            out.add(d.snapshotsInstalled());
          }
        });
    registry.collect("refraft_raft_inbound_dropped_total", "Messages dropped on arrival, before stepping: mailbox_full "
        + "(the driver is behind) or malformed (did not decode, or a wrong sender)", MetricsRegistry.Type.COUNTER,
        List.of("reason"), out -> {
          Driver d = driver;
          if (d != null) {
            out.add(d.droppedMessages(), "mailbox_full");
            out.add(d.malformedMessages(), "malformed");
          }
        });
  }

  private StorageCounters storageFamilies() {
    StorageCounters c = new StorageCounters(
        registry.counter("refraft_storage_fsyncs_total", "Group commits of the write-ahead log (sync or truncation), "
            + "each ending in an fsync"),
        registry.histogram("refraft_storage_fsync_duration_seconds", "Time of one group commit: buffered records "
            + "written, then fdatasync (and the meta file replaced when the term or vote changed)",
            Histogram.Buckets.secondsFromNanos(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                0.25, 0.5, 1)),
        registry.histogram("refraft_storage_entries_per_fsync", "Log entries made durable by one group commit",
            Histogram.Buckets.counts(0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)),
        registry.counter("refraft_storage_entries_written_total", "Log entries made durable"));
    registry.collect("refraft_storage_bytes_written_total", "Bytes of log records written to segment files",
        MetricsRegistry.Type.COUNTER, List.of(), out -> {
          MeteredStorage s = meteredStorage;
          if (s != null) {
            out.add(s.bytesWritten());
          }
        });
    registry.collect("refraft_storage_segments", "Segment files of the write-ahead log", MetricsRegistry.Type.GAUGE,
        List.of(), out -> {
          MeteredStorage s = meteredStorage;
          if (s != null) {
            out.add(s.segments());
          }
        });
    return c;
  }

  private void transportFamilies() {
    peerCounter("refraft_transport_frames_sent_total", "Frames written and flushed to each peer's socket",
        PeerStats::sent);
    peerCounter("refraft_transport_frames_received_total", "Frames received from each peer", PeerStats::received);
    registry.collect("refraft_transport_frames_dropped_total", "Frames dropped, by peer and reason: queue_full (or "
        + "transport closed), blocked_outbound, blocked_inbound (a test partition), too_large, in_flight (lost with "
        + "a failed connection)", MetricsRegistry.Type.COUNTER, List.of("peer", "reason"), out -> eachPeer((p, s) -> {
          out.add(s.droppedQueueFull(), p, "queue_full");
          out.add(s.droppedBlockedOutbound(), p, "blocked_outbound");
          out.add(s.droppedBlockedInbound(), p, "blocked_inbound");
          out.add(s.droppedTooLarge(), p, "too_large");
          out.add(s.droppedInFlight(), p, "in_flight");
        }));
    registry.collect("refraft_transport_queued_frames", "Frames waiting in each peer's outbound queue",
        MetricsRegistry.Type.GAUGE, List.of("peer"), out -> eachPeer((p, s) -> out.add(s.queued(), p)));
    registry.collect("refraft_transport_connected", "1 while a handshaken connection to the peer is up",
        MetricsRegistry.Type.GAUGE, List.of("peer"), out -> eachPeer((p, s) -> out.add(s.connected() ? 1 : 0, p)));
    peerCounter("refraft_transport_connections_established_total", "Handshakes completed with each peer, either "
        + "direction", PeerStats::connectionsEstablished);
    peerCounter("refraft_transport_reconnects_total", "Connections to each peer established after its first",
        s -> Math.max(0, s.connectionsEstablished() - 1));
    peerCounter("refraft_transport_malformed_frames_total", "Connections closed because the peer broke the framing",
        PeerStats::malformedFrames);
    registry.collect("refraft_transport_handshake_failures_total", "Connections refused at the handshake, by reason",
        MetricsRegistry.Type.COUNTER, List.of("reason"), out -> {
          TcpTransport t = transport;
          if (t != null) {
            for (Map.Entry<Refusal, Long> e : t.refusals().entrySet()) {
              out.add(e.getValue(), e.getKey().name().toLowerCase(Locale.ROOT));
            }
          }
        });
  }

  // ---- the wrappers, applied where the node is built ----

  /** The storage the driver writes to, counted ({@link MeteredStorage}); put it innermost, over the files. */
  public Storage storage(FileStorage file) {
    MeteredStorage s = new MeteredStorage(file, storage);
    meteredStorage = s;
    return s;
  }

  /** The transport as the driver uses it, counting messages by type ({@link MeteredTransport}). */
  public Transport transport(Transport t) {
    return new MeteredTransport(t, messages, messageBytes);
  }

  /**
   * The driver's step, counting the elections it starts and the leaderships it learns of: a look at
   * the transition's actions and at the leader after it, on the driver's thread. A leadership is
   * counted once per term: a follower that becomes a pre-candidate forgets its leader, and finding
   * the same leader again in the same term is no change (the counter would otherwise follow every
   * failed pre-vote).
   */
  public StepFunction step(StepFunction step) {
    return new StepFunction() {
      /** The last term in which a leader was counted (driver's thread). */
      private long countedTerm = -1;

      @Override
      public Transition step(NodeState state, Input input) {
        Transition t = step.step(state, input);
        List<Action> actions = t.actions();
        for (int i = 0; i < actions.size(); i++) {
          Action a = actions.get(i);
          if (a == Action.BecomeCandidate) {
            elections.increment();
          } else if (a == Action.BecomePreCandidate) {
            preElections.increment();
          }
        }
        NodeState next = t.next();
        if (next.term() != countedTerm && next.leader().isPresent()) {
          countedTerm = next.term();
          leaderChanges.increment();
        }
        return t;
      }
    };
  }

  /** The API's handler, counting requests by route and status and timing them ({@link HttpMetrics}). */
  public Handler http(Handler handler) {
    return http.wrap(handler);
  }

  /**
   * {@code f}, its outcome counted as a proposal's: the returned future completes as {@code f} does,
   * once counted, so a client that got its answer finds it in the next scrape.
   */
  public CompletableFuture<Long> proposal(CompletableFuture<Long> f) {
    return f.whenComplete(proposalOutcome);
  }

  /** {@code f}, its outcome counted as a linearizable read's (as {@link #proposal}). */
  public CompletableFuture<Long> read(CompletableFuture<Long> f) {
    return f.whenComplete(readOutcome);
  }

  /** The parts read when scraped: the driver's status and counters, the transport's per-peer counters. */
  public void observe(Driver d, TcpTransport t, List<String> peerIds) {
    peers = List.copyOf(peerIds);
    transport = t;
    driver = d;
  }

  /** Every family in the text exposition format ({@link TextFormat#CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  // ---- helpers ----

  private static BiConsumer<Long, Throwable> outcomes(MetricsRegistry.Labeled<Counter> family) {
    Counter ok = family.labels("ok");
    Counter notLeader = family.labels("not_leader");
    Counter lost = family.labels("lost");
    Counter noSpace = family.labels("no_space");
    Counter stopped = family.labels("stopped");
    Counter error = family.labels("error");
    return (index, e) -> {
      if (e == null) {
        ok.increment();
      } else if (e instanceof NotLeaderException) {
        notLeader.increment();
      } else if (e instanceof NoSpaceException) {
        noSpace.increment();
      } else if (e instanceof NodeStoppedException) {
        stopped.increment();
      } else if (e instanceof ProposalLostException) {
        lost.increment();
      } else {
        error.increment();
      }
    };
  }

  private Optional<NodeStatus> status() {
    Driver d = driver;
    return d == null ? Optional.empty() : Optional.of(d.status());
  }

  private void statusGauge(String name, String help, java.util.function.ToLongFunction<NodeStatus> value) {
    registry.collect(name, help, MetricsRegistry.Type.GAUGE, List.of(),
        out -> status().ifPresent(s -> out.add(value.applyAsLong(s))));
  }

  private void peerCounter(String name, String help, java.util.function.ToLongFunction<PeerStats> value) {
    registry.collect(name, help, MetricsRegistry.Type.COUNTER, List.of("peer"),
        out -> eachPeer((p, s) -> out.add(value.applyAsLong(s), p)));
  }

  private void eachPeer(BiConsumer<String, PeerStats> each) {
    TcpTransport t = transport;
    if (t != null) {
      for (String p : peers) {
        each.accept(p, t.stats(p));
      }
    }
  }

  /** PreCandidate -> pre_candidate: label values in Prometheus' snake case. */
  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        sb.append('_');
      }
      sb.append(Character.toLowerCase(c));
    }
    return sb.toString();
  }
}
