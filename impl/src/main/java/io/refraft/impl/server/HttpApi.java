package io.refraft.impl.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.refraft.impl.node.NodeStatus;
import io.refraft.impl.node.NotLeaderException;
import io.refraft.impl.node.ProposalLostException;
import io.refraft.spec.Entry;
import io.refraft.spec.NodeId;
import io.refraft.spec.Payload;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node's HTTP/JSON API. Handlers run on virtual threads and only read the driver's published
 * status or wait on a proposal's future; none touches the state thread's data.
 *
 * <pre>
 * GET  /status                         {id, role, term, leader, commitIndex, lastLogIndex, lastApplied,
 *                                       peers: {id: {matchIndex, nextIndex, connected}}, syncs, entriesSynced, ...}
 * POST /propose   (body: the command)  200 {"index": N} once applied here;
 *                                      307 + Location (leader's /propose) when another node leads,
 *                                      503 {"error", "leader"} when no leader is known or the outcome is unknown
 * POST /admin/block?peer=n2&amp;blocked=true|false   drop all traffic to and from n2 (tests' partitions)
 * GET  /log?from=1&amp;to=100                 entries [from, to) of this node's log: index, term, committed, data (base64)
 * </pre>
 */
final class HttpApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a proposal may wait to be applied before the client is told the outcome is unknown. */
  private static final long PROPOSE_TIMEOUT_MS = 10_000;
  private static final int MAX_LOG_ENTRIES = 10_000;

  private HttpApi() {}

  static void install(HttpServer http, NodeServer node) {
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/status", ex -> handle(ex, "GET", () -> reply(ex, 200, status(node))));
    http.createContext("/propose", ex -> handle(ex, "POST", () -> propose(ex, node)));
    http.createContext("/admin/block", ex -> handle(ex, "POST", () -> block(ex, node)));
    http.createContext("/log", ex -> handle(ex, "GET", () -> log(ex, node)));
    KvApi.install(http, node);
  }

  @FunctionalInterface
  private interface Handler {
    void run() throws IOException;
  }

  private static void handle(HttpExchange ex, String method, Handler h) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals(method)) {
        reply(ex, 405, error("use " + method + " for " + ex.getRequestURI().getPath()));
        return;
      }
      try {
        h.run();
      } catch (IllegalArgumentException e) {
        reply(ex, 400, error(e.getMessage()));
      }
    }
  }

  static ObjectNode status(NodeServer node) {
    NodeStatus s = node.driver().status();
    ObjectNode o = JSON.createObjectNode();
    o.put("id", s.id().name());
    o.put("role", s.role());
    o.put("term", s.term());
    o.put("leader", s.leader().map(NodeId::name).orElse(null));
    o.put("commitIndex", s.commitIndex());
    o.put("lastLogIndex", s.lastLogIndex());
    o.put("lastApplied", s.lastApplied());
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
    o.put("appliedCommands", node.stateMachine().count());
    o.put("appliedDigest", Long.toHexString(node.stateMachine().digest()));
    o.put("droppedMessages", node.driver().droppedMessages());
    o.put("malformedMessages", node.driver().malformedMessages());
    return o;
  }

  private static void propose(HttpExchange ex, NodeServer node) throws IOException {
    byte[] command = ex.getRequestBody().readAllBytes();
    try {
      long index = node.driver().propose(command).get(PROPOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      reply(ex, 200, JSON.createObjectNode().put("index", index));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotLeaderException nl) {
        notLeader(ex, node, nl.leader());
      } else if (e.getCause() instanceof ProposalLostException lost) {
        reply(ex, 503, error("outcome unknown: " + lost.getMessage()));
      } else {
        reply(ex, 500, error(String.valueOf(e.getCause())));
      }
    } catch (TimeoutException e) {
      reply(ex, 503, error("outcome unknown: not applied within " + PROPOSE_TIMEOUT_MS + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(ex, 503, error("outcome unknown: interrupted"));
    }
  }

  private static void notLeader(HttpExchange ex, NodeServer node, Optional<NodeId> leader) throws IOException {
    ObjectNode body = error(leader.map(l -> "not the leader; " + l + " is").orElse("not the leader; no leader known"));
    body.put("leader", leader.map(NodeId::name).orElse(null));
    String url = leader.map(node::clientUrlOf).orElse(null);
    if (url == null) {
      reply(ex, 503, body);
    } else {
      ex.getResponseHeaders().set("Location", url + "/propose");
      reply(ex, 307, body);
    }
  }

  private static void block(HttpExchange ex, NodeServer node) throws IOException {
    Map<String, String> q = query(ex.getRequestURI());
    String peer = q.get("peer");
    if (peer == null || !node.settings().members().containsKey(NodeId.of(peer)) || peer.equals(node.settings().id().name())) {
      throw new IllegalArgumentException("peer must name another member, one of " + node.settings().members().keySet());
    }
    boolean blocked = Boolean.parseBoolean(q.getOrDefault("blocked", "true"));
    node.transport().blockPeer(peer, blocked);
    reply(ex, 200, JSON.createObjectNode().put("peer", peer).put("blocked", blocked));
  }

  private static void log(HttpExchange ex, NodeServer node) throws IOException {
    NodeStatus s = node.driver().status();
    Map<String, String> q = query(ex.getRequestURI());
    long from = Math.max(1, parseLong(q, "from", 1));
    long to = Math.min(s.log().lastIndex() + 1, parseLong(q, "to", s.log().lastIndex() + 1));
    to = Math.min(to, from + MAX_LOG_ENTRIES);
    ObjectNode o = JSON.createObjectNode();
    o.put("commitIndex", s.commitIndex());
    ArrayNode entries = o.putArray("entries");
    for (long i = from; i < to; i++) {
      Entry e = s.log().entry(i);
      ObjectNode n = entries.addObject().put("index", i).put("term", e.term());
      switch (e.payload()) {
        case Payload.NoOp noop -> n.put("type", "noop");
        case Payload.Data d -> n.put("type", "data").put("data", Base64.getEncoder().encodeToString(d.toByteArray()));
      }
    }
    reply(ex, 200, o);
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

  static Map<String, String> query(URI uri) {
    Map<String, String> out = new HashMap<>();
    String raw = uri.getQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    return out;
  }

  static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  static void reply(HttpExchange ex, int code, ObjectNode body) throws IOException {
    reply(ex, code, JSON.writeValueAsBytes(body));
  }

  static void reply(HttpExchange ex, int code, byte[] bytes) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}
