package io.refraft.impl.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.impl.http.Handler;
import io.refraft.impl.http.Request;
import io.refraft.impl.http.Response;
import io.refraft.impl.metrics.TextFormat;
import io.refraft.impl.node.NodeStatus;
import io.refraft.impl.node.NotLeaderException;
import io.refraft.impl.node.ProposalLostException;
import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node's HTTP/JSON API. Handlers run on virtual threads and only read the driver's published
 * status or wait on a proposal's future; none touches the state thread's data.
 *
 * <pre>
 * GET  /status                         {id, role, term, leader, commitIndex, lastLogIndex, lastApplied,
 *                                       peers: {id: {matchIndex, nextIndex, connected}}, syncs, entriesSynced, ...}
 * GET  /metrics                        Prometheus text format 0.0.4 ({@link io.refraft.impl.metrics.NodeMetrics})
 * POST /propose   (body: the command)  200 {"index": N} once applied here;
 *                                      307 + Location (leader's /propose) when another node leads,
 *                                      503 {"error", "leader"} when the leader's URL is not known
 *                                      ({@link LeaderRedirect}) or the outcome is unknown
 * POST /admin/block?peer=n2&amp;blocked=true|false   drop all traffic to and from n2 (tests' partitions)
 * POST /admin/snapshot                 200 {"index": N}: a snapshot of everything applied here, log compacted
 *                                      (N the newest snapshot's index, 0 with nothing applied)
 * GET  /log?from=1&amp;to=100                 entries [from, to) of this node's log (at most 10,000; from is
 *                                      raised to the first entry not compacted) and its commitIndex and
 *                                      snapshotIndex: index, term, type (noop or data), data (base64)
 * /kv/..., /txn, /session              the key-value API ({@link KvApi})
 * anything else                        404 {"error"}
 * </pre>
 *
 * <p>Served by {@link io.refraft.impl.http.Http1Server}, which enforces the body limit
 * ({@link NodeSettings#maxRequestBytes()}, 413) before a handler runs.
 */
final class HttpApi {
  static final String JSON_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a proposal may wait to be applied before the client is told the outcome is unknown. */
  private static final long PROPOSE_TIMEOUT_MS = 10_000;
  private static final int MAX_LOG_ENTRIES = 10_000;

  private HttpApi() {}

  /** The node's request router: exact paths, and the prefix /kv/. */
  static Handler handler(NodeServer node) {
    return (req, res) -> {
      String path = req.path();
      if (path.startsWith("/kv/")) {
        KvApi.kv(req, res, node);
        return;
      }
      switch (path) {
        case "/status" -> handle(req, res, "GET", () -> reply(res, 200, status(node)));
        case "/metrics" -> handle(req, res, "GET", () -> res.send(200, TextFormat.CONTENT_TYPE,
            node.metrics().scrape().getBytes(StandardCharsets.UTF_8)));
        case "/propose" -> handle(req, res, "POST", () -> propose(req, res, node));
        case "/admin/block" -> handle(req, res, "POST", () -> block(req, res, node));
        case "/admin/snapshot" -> handle(req, res, "POST", () -> snapshot(res, node));
        case "/log" -> handle(req, res, "GET", () -> log(req, res, node));
        case "/txn" -> KvApi.txn(req, res, node);
        case "/session" -> KvApi.session(req, res, node);
        default -> replyError(res, 404, "no resource " + path
            + ": the API serves /status, /metrics, /propose, /admin/block, /admin/snapshot, /log, /kv/{key}, /txn and /session");
      }
    };
  }

  @FunctionalInterface
  private interface Action {
    void run() throws IOException;
  }

  private static void handle(Request req, Response res, String method, Action h) throws IOException {
    if (!req.method().equals(method)) {
      replyError(res, 405, "use " + method + " for " + req.path());
      return;
    }
    try {
      h.run();
    } catch (IllegalArgumentException e) {
      replyError(res, 400, e.getMessage());
    }
  }

  static ObjectNode status(NodeServer node) {
    NodeStatus s = node.driver().status();
    ObjectNode o = JSON.createObjectNode();
    o.put("id", s.id().name());
    o.put("role", s.role().name());
    o.put("term", s.term());
    o.put("leader", s.leader().map(NodeId::name).orElse(null));
    o.put("commitIndex", s.commitIndex());
    o.put("lastLogIndex", s.lastLogIndex());
    o.put("lastApplied", s.lastApplied());
    o.put("snapshotIndex", s.log().snapshot().index());
    o.put("snapshotsInstalled", node.driver().snapshotsInstalled());
    ObjectNode peers = o.putObject("peers");
    for (NodeId peer : node.settings().members().keySet()) {
      if (peer.equals(s.id())) {
        continue;
      }
      ObjectNode p = peers.putObject(peer.name());
      NodeStatus.Progress pr = s.progress().get(peer);
      if (pr == null) {
        p.putNull("matchIndex");
        p.putNull("nextIndex");
      } else {
        p.put("matchIndex", pr.matchIndex());
        p.put("nextIndex", pr.nextIndex());
      }
      p.put("connected", node.transport().connected(peer.name()));
    }
    o.put("syncs", s.syncs());
    o.put("entriesSynced", s.entriesSynced());
    o.put("diskFull", node.driver().diskFull());
    o.put("appliedCommands", node.stateMachine().count());
    o.put("appliedDigest", Long.toHexString(node.stateMachine().digest()));
    o.put("droppedMessages", node.driver().droppedMessages());
    o.put("malformedMessages", node.driver().malformedMessages());
    tls(o, node);
    return o;
  }

  /**
   * {@code peerRefusals}: peer connections refused by reason (TLS ones included, see Refusal);
   * {@code tls}: what is encrypted and the HTTPS port's refusals.
   */
  private static void tls(ObjectNode o, NodeServer node) {
    ObjectNode refusals = o.putObject("peerRefusals");
    node.transport().refusals().forEach((reason, n) -> refusals.put(reason.name(), n));
    ObjectNode t = o.putObject("tls");
    t.put("peer", node.transport().tls());
    t.put("client", node.http().tls());
    t.put("clientAuth", node.settings().tls().client().map(c -> c.trustedCa().isPresent()).orElse(false));
    var http = node.http().tlsRefusals();
    t.put("clientPlaintextRefused", http.plaintext());
    t.put("clientHandshakesFailed", http.handshake());
  }

  private static void propose(Request req, Response res, NodeServer node) throws IOException {
    byte[] command = req.body();
    try {
      long index = node.propose(command).get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      res.body().ascii("{\"index\":").decimal(index).write('}');
      res.send(200, JSON_TYPE);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotLeaderException nl) {
        notLeader(req, res, node, nl.leader());
      } else if (e.getCause() instanceof ProposalLostException lost) {
        replyError(res, 503, "outcome unknown: " + lost.getMessage());
      } else {
        replyError(res, 500, String.valueOf(e.getCause()));
      }
    } catch (TimeoutException e) {
      replyError(res, 503, "outcome unknown: not applied within " + PROPOSE_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      replyError(res, 503, "outcome unknown: interrupted");
    }
  }

  /** {@link LeaderRedirect}'s answer, with the leader's id (or null) in the body too. */
  private static void notLeader(Request req, Response res, NodeServer node, Optional<NodeId> leader)
      throws IOException {
    LeaderRedirect r = LeaderRedirect.answer(req, res, node, leader);
    ObjectNode body = error(r.message());
    body.put("leader", leader.map(NodeId::name).orElse(null));
    reply(res, r.status(), body);
  }

  /** Forces a snapshot ({@code Driver.snapshot()}): answered once it is durable and the log compacted. */
  private static void snapshot(Response res, NodeServer node) throws IOException {
    try {
      long index = node.driver().snapshot().get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      reply(res, 200, JSON.createObjectNode().put("index", index));
    } catch (ExecutionException e) {
      replyError(res, 503, "no snapshot: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      replyError(res, 503, "no snapshot within " + PROPOSE_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      replyError(res, 503, "interrupted");
    }
  }

  private static void block(Request req, Response res, NodeServer node) throws IOException {
    Map<String, String> q = query(req.query());
    String peer = q.get("peer");
    if (peer == null || !node.settings().members().containsKey(NodeId.of(peer)) || peer.equals(node.settings().id().name())) {
      throw new IllegalArgumentException("peer must name another member, one of " + node.settings().members().keySet());
    }
    boolean blocked = Boolean.parseBoolean(q.getOrDefault("blocked", "true"));
    node.transport().blockPeer(peer, blocked);
    reply(res, 200, JSON.createObjectNode().put("peer", peer).put("blocked", blocked));
  }

  private static void log(Request req, Response res, NodeServer node) throws IOException {
    NodeStatus s = node.driver().status();
    Map<String, String> q = query(req.query());
    long from = Math.max(s.log().firstIndex(), parseLong(q, "from", 1)); // compacted entries are gone
    long to = Math.min(s.log().lastIndex() + 1, parseLong(q, "to", s.log().lastIndex() + 1));
    to = Math.min(to, from + MAX_LOG_ENTRIES);
    ObjectNode o = JSON.createObjectNode();
    o.put("commitIndex", s.commitIndex());
    o.put("snapshotIndex", s.log().snapshot().index());
    ArrayNode entries = o.putArray("entries");
    for (long i = from; i < to; i++) {
      Entry e = s.log().entry(i);
      ObjectNode n = entries.addObject().put("index", i).put("term", e.term());
      switch (e.payload()) {
        case Payload.NoOp noop -> n.put("type", "noop");
        case Payload.Data d -> n.put("type", "data").put("data", Base64.getEncoder().encodeToString(d.toByteArray()));
        case Payload.Configuration c -> {
          n.put("type", "configuration");
          ArrayNode voters = n.putArray("voters");
          c.membership().voters().forEach(id -> voters.add(id.name()));
          ArrayNode outgoing = n.putArray("outgoing");
          c.membership().outgoing().forEach(id -> outgoing.add(id.name()));
          ArrayNode learners = n.putArray("learners");
          c.membership().learners().forEach(id -> learners.add(id.name()));
          n.put("autoLeave", c.membership().autoLeave());
        }
      }
    }
    reply(res, 200, o);
  }

  private static long parseLong(Map<String, String> q, String name, long dflt) {
    String v = q.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
    }
  }

  /** The query's parameters, percent-decoded ('+' stays '+', as {@code URI.getQuery()} had it). */
  static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          out.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
        }
      }
    }
    return out;
  }

  private static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // not valid percent-encoding: the raw text, which the parameter's own check then judges
    }
  }

  static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  static void reply(Response res, int code, ObjectNode body) throws IOException {
    JSON.writeValue(res.body(), body);
    res.send(code, JSON_TYPE);
  }

  /** {@code {"error": message}}, written without building a tree. */
  static void replyError(Response res, int code, String message) throws IOException {
    res.body().ascii("{\"error\":").jsonString(message).write('}');
    res.send(code, JSON_TYPE);
  }
}
