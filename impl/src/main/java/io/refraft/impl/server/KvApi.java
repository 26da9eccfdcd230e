package io.refraft.impl.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.InvalidCommandException;
import io.refraft.impl.kv.KvOp;
import io.refraft.impl.kv.Result;
import io.refraft.impl.kv.ResultCodec;
import io.refraft.impl.http.ByteSink;
import io.refraft.impl.http.Request;
import io.refraft.impl.http.Response;
import io.refraft.impl.node.NodeStatus;
import io.refraft.impl.node.NoSpaceException;
import io.refraft.impl.node.NodeStoppedException;
import io.refraft.impl.node.NotLeaderException;
import io.refraft.spec.NodeId;
import io.refraft.traces.StateSummary.RoleName;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The key-value API (impl/README.md, "KV HTTP API"). Writes are proposed as one canonical
 * {@link CommandCodec} entry each, validated before proposing (400: nothing applied); a linearizable
 * read waits for a confirmed ReadIndex (thesis §6.4) and then reads the state machine.
 *
 * <p>A follower answers 307 to the leader's same URL, or 503 + Retry-After when it cannot name the
 * leader's URL ({@link LeaderRedirect}, shared with {@code /propose}). An accepted write whose outcome
 * became unknown (leadership lost, not applied in time) is 504: the client must treat it as
 * indeterminate, or retry it in its session.
 */
final class KvApi {
  static final String CLIENT_ID = "Refraft-Client-Id";
  static final String SEQUENCE = "Refraft-Sequence";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final long WRITE_TIMEOUT_MS = 10_000;
  /** Shorter than a client's usual timeout, so an isolated leader answers 503 rather than nothing. */
  private static final long READ_TIMEOUT_MS = 3_000;

  private KvApi() {}

  /** /kv/{key}[/cas|/append] */
  static void kv(Request req, Response res, NodeServer node) throws IOException {
    run(res, () -> kvOp(req, res, node));
  }

  static void txn(Request req, Response res, NodeServer node) throws IOException {
    run(res, () -> txnOp(req, res, node));
  }

  static void session(Request req, Response res, NodeServer node) throws IOException {
    run(res, () -> sessionOp(req, res, node));
  }

  /** A request the API refuses before anything is proposed. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  @FunctionalInterface
  private interface Handler {
    void run() throws IOException, Refused;
  }

  private static void run(Response res, Handler h) throws IOException {
    try {
      h.run();
    } catch (Refused r) {
      HttpApi.replyError(res, r.code, r.getMessage());
    }
  }

  private static void kvOp(Request req, Response res, NodeServer node) throws IOException, Refused {
    String rest = req.path().substring("/kv/".length());
    String method = req.method();
    if (method.equals("POST")) {
      int slash = rest.lastIndexOf('/');
      String action = slash < 0 ? "" : rest.substring(slash + 1);
      if (!Set.of("cas", "append").contains(action)) {
        throw new Refused(404, "POST goes to /kv/{key}/cas or /kv/{key}/append");
      }
      String key = key(rest.substring(0, slash));
      leaderOrRedirect(req, res, node);
      JsonNode body = object(req.body(), action.equals("cas") ? Set.of("from", "to") : Set.of("value"));
      ArrayNode op = JsonNodeFactory.instance.arrayNode().add(action).add(key);
      if (action.equals("cas")) {
        op.add(body.get("from")).add(body.get("to"));
      } else {
        op.add(body.get("value"));
      }
      write(req, res, node, op);
      return;
    }
    String key = key(rest);
    switch (method) {
      case "GET" -> get(req, res, node, key);
      case "PUT" -> {
        leaderOrRedirect(req, res, node);
        String value = checkValue(utf8(req.body()));
        propose(req, res, node, tagged(req, new KvOp.Put(checkKey(key), value)));
      }
      case "DELETE" -> {
        leaderOrRedirect(req, res, node);
        propose(req, res, node, tagged(req, new KvOp.Delete(checkKey(key))));
      }
      default -> throw new Refused(405, "use GET, PUT or DELETE on /kv/{key}, POST on /kv/{key}/cas|append");
    }
  }

  private static void txnOp(Request req, Response res, NodeServer node) throws IOException, Refused {
    if (!req.path().equals("/txn") || !req.method().equals("POST")) {
      throw new Refused(405, "use POST /txn with a JSON list of micro-ops");
    }
    leaderOrRedirect(req, res, node);
    JsonNode ops = parse(req.body());
    write(req, res, node, JsonNodeFactory.instance.arrayNode().add("txn").add(ops));
  }

  private static void sessionOp(Request req, Response res, NodeServer node) throws IOException, Refused {
    if (!req.path().equals("/session") || !req.method().equals("POST")) {
      throw new Refused(405, "use POST /session to open a client session");
    }
    leaderOrRedirect(req, res, node);
    ObjectNode cmd = JsonNodeFactory.instance.objectNode().put("v", CommandCodec.VERSION)
        .put("t", System.currentTimeMillis());
    cmd.putArray("op").add("open-session");
    propose(req, res, node, decode(cmd));
  }

  private static void get(Request req, Response res, NodeServer node, String key) throws IOException, Refused {
    boolean stale = "true".equals(HttpApi.query(req.query()).get("stale"));
    KvOp get = new KvOp.Get(checkKey(key));
    if (!stale) {
      leaderOrRedirect(req, res, node);
      CompletableFuture<Long> read = node.read();
      try {
        read.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NotLeaderException nl) {
          redirect(req, res, node, nl.leader());
          return;
        }
        throw unavailable("read not confirmed: " + e.getCause().getMessage());
      } catch (TimeoutException e) {
        throw unavailable("read not confirmed by a quorum within " + READ_TIMEOUT_MS + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw unavailable("interrupted");
      }
    }
    Result r = node.answers().read(get);
    if (r instanceof Result.TypeMismatch) {
      r = node.answers().read(new KvOp.Read(((KvOp.Get) get).key())); // the key holds a list
    }
    answer(res, r, Optional.empty());
  }

  private static Refused unavailable(String why) {
    return new Refused(503, why);
  }

  /** Proposes {@code op} in the request's session, if any, and answers with its result. */
  private static void write(Request req, Response res, NodeServer node, ArrayNode op) throws IOException, Refused {
    propose(req, res, node, decode(command(req, op, true)));
  }

  private static void propose(Request req, Response res, NodeServer node, Command c) throws IOException, Refused {
    try {
      long index = node.propose(CommandCodec.encode(c)).get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Optional<Result> r = node.answers().answer(index, c.op());
      if (r.isEmpty()) {
        throw new Refused(504, "outcome unknown: the result of index " + index + " was already dropped");
      }
      answer(res, r.get(), Optional.of(index));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotLeaderException nl) {
        redirect(req, res, node, nl.leader()); // refused before it was appended: nothing happened
      } else if (e.getCause() instanceof NoSpaceException ns) {
        throw new Refused(507, ns.getMessage()); // refused before it was appended: nothing happened
      } else if (e.getCause() instanceof NodeStoppedException st) {
        throw unavailable(st.getMessage()); // refused before it was appended: nothing happened
      } else {
        throw new Refused(504, "outcome unknown: " + e.getCause().getMessage());
      }
    } catch (TimeoutException e) {
      throw new Refused(504, "outcome unknown: not applied within " + WRITE_TIMEOUT_MS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(504, "outcome unknown: interrupted");
    }
  }

  /**
   * A register op built directly, without the JSON round trip of {@link #command}: the hot path of
   * PUT, DELETE and GET. The checks are {@link CommandCodec#decode}'s for these fields.
   */
  private static Command tagged(Request req, KvOp op) throws Refused {
    String client = req.header(CLIENT_ID);
    String seq = req.header(SEQUENCE);
    long now = System.currentTimeMillis();
    if (client == null && seq == null) {
      return Command.of(now, op);
    }
    if (client == null || seq == null) {
      throw new Refused(400, "give both " + CLIENT_ID + " and " + SEQUENCE + ", or neither");
    }
    return Command.of(now, positive(CLIENT_ID, client), positive(SEQUENCE, seq), op);
  }

  private static String checkKey(String key) throws Refused {
    int bytes = utf8Length(key);
    if (bytes == 0 || bytes > CommandCodec.MAX_KEY_BYTES) {
      throw new Refused(400, "invalid request: a key must be 1.." + CommandCodec.MAX_KEY_BYTES
          + " UTF-8 bytes, got " + bytes);
    }
    return key;
  }

  private static String checkValue(String value) throws Refused {
    int bytes = utf8Length(value);
    if (bytes > CommandCodec.MAX_VALUE_BYTES) {
      throw new Refused(400, "invalid request: a value must be at most " + CommandCodec.MAX_VALUE_BYTES
          + " UTF-8 bytes, got " + bytes);
    }
    return value;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static ObjectNode command(Request req, ArrayNode op, boolean inSession) throws Refused {
    ObjectNode cmd = JsonNodeFactory.instance.objectNode().put("v", CommandCodec.VERSION)
        .put("t", System.currentTimeMillis());
    String client = req.header(CLIENT_ID);
    String seq = req.header(SEQUENCE);
    if (inSession && (client != null || seq != null)) {
      if (client == null || seq == null) {
        throw new Refused(400, "give both " + CLIENT_ID + " and " + SEQUENCE + ", or neither");
      }
      cmd.put("c", positive(CLIENT_ID, client)).put("q", positive(SEQUENCE, seq));
    }
    cmd.set("op", op);
    return cmd;
  }

  private static long positive(String header, String v) throws Refused {
    try {
      long n = Long.parseLong(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new Refused(400, "header " + header + " must be a whole number >= 1, got '" + v + "'");
  }

  private static Command decode(ObjectNode cmd) throws Refused {
    try {
      return CommandCodec.decode(JSON.writeValueAsBytes(cmd));
    } catch (InvalidCommandException e) {
      throw new Refused(400, "invalid request: " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }

  /** Sends a non-leader's client to the leader ({@link LeaderRedirect}), judged by the last published status. */
  private static void leaderOrRedirect(Request req, Response res, NodeServer node) throws Refused {
    NodeStatus s = node.driver().status();
    if (s.role() != RoleName.Leader) {
      redirect(req, res, node, s.leader());
    }
  }

  /** Sends the client to {@code leader} ({@link LeaderRedirect}): always throws. */
  private static void redirect(Request req, Response res, NodeServer node, Optional<NodeId> leader) throws Refused {
    LeaderRedirect r = LeaderRedirect.answer(req, res, node, leader);
    throw new Refused(r.status(), r.message());
  }

  private static String key(String raw) throws Refused {
    if (raw.isEmpty()) {
      throw new Refused(400, "the key is empty: use /kv/{key}, with '/' in a key as %2F");
    }
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "the key is not valid percent-encoding: " + e.getMessage());
    }
  }

  private static String utf8(byte[] b) throws Refused {
    if (ascii(b)) {
      return new String(b, StandardCharsets.ISO_8859_1); // the common case, without a decoder per request
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new Refused(400, "the value is not valid UTF-8");
    }
  }

  private static boolean ascii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode parse(byte[] body) throws Refused {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new Refused(400, "malformed JSON: the body is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new Refused(400, "malformed JSON: " + e.getOriginalMessage() + " at line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()));
    } catch (IOException e) {
      throw new Refused(400, "unreadable body: " + e.getMessage());
    }
  }

  /**
   * The same body as {@link #answer}'s general path, written straight into the reply buffer without a
   * JSON generator (the hot path of PUT, DELETE and GET): {@code {"index":N,"result":{"type":"ok"}}} or
   * {@code {"value":V,"result":{"type":"value","value":V}}}.
   */
  private static void answerRegister(Response res, Result r, Optional<Long> index) throws IOException {
    ByteSink out = res.body();
    out.write('{');
    if (index.isPresent()) {
      out.ascii("\"index\":").decimal(index.get());
    }
    Optional<String> value = r instanceof Result.RegisterValue v ? v.value() : Optional.empty();
    if (r instanceof Result.RegisterValue) {
      out.ascii(index.isPresent() ? ",\"value\":" : "\"value\":");
      writeOptional(out, value);
      out.ascii(",\"result\":{\"type\":\"value\",\"value\":");
      writeOptional(out, value);
      out.ascii("}}");
    } else {
      out.ascii(index.isPresent() ? ",\"result\":{\"type\":\"ok\"}}" : "\"result\":{\"type\":\"ok\"}}");
    }
    int code = r instanceof Result.RegisterValue && value.isEmpty() ? 404 : 200;
    res.send(code, HttpApi.JSON_TYPE);
  }

  private static void writeOptional(ByteSink out, Optional<String> v) {
    if (v.isPresent()) {
      out.jsonString(v.get());
    } else {
      out.ascii("null");
    }
  }

  /** The body as an object with exactly the fields {@code fields}. */
  private static JsonNode object(byte[] body, Set<String> fields) throws Refused {
    JsonNode n = parse(body);
    if (!n.isObject()) {
      throw new Refused(400, "the body must be a JSON object with fields " + fields);
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new Refused(400, "unknown field '" + f + "': expected " + fields);
      }
    }
    for (String f : fields) {
      if (!n.has(f)) {
        throw new Refused(400, "missing field '" + f + "'");
      }
    }
    return n;
  }

  private static void answer(Response res, Result r, Optional<Long> index) throws IOException {
    if (r instanceof Result.Done || r instanceof Result.RegisterValue) {
      answerRegister(res, r, index);
      return;
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    index.ifPresent(i -> body.put("index", i));
    JsonNode result = JSON.readTree(ResultCodec.encode(r));
    int code = switch (r) {
      case Result.Done d -> throw new IllegalStateException("answered by answerRegister");
      case Result.RegisterValue v -> throw new IllegalStateException("answered by answerRegister");
      case Result.ListValue l -> {
        body.set("value", result.get("value"));
        yield 200;
      }
      case Result.CasFailed c -> {
        body.set("current", result.get("actual"));
        yield 409;
      }
      case Result.TxnCommitted t -> {
        body.set("results", result.get("value"));
        yield 200;
      }
      case Result.SessionOpened s -> {
        body.put("client", s.clientId());
        yield 200;
      }
      case Result.TxnAborted a -> 409;
      case Result.TypeMismatch m -> 409;
      case Result.StaleRequest s -> 409;
      case Result.SessionExpired s -> 410;
      case Result.Invalid i -> 400;
    };
    body.set("result", result);
    HttpApi.reply(res, code, body);
  }
}
