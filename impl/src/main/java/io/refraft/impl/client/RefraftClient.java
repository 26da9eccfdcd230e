package io.refraft.impl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A client of the KV HTTP API. Finds the leader by following 307s, tries the next endpoint on 503
 * or a refused connection, and retries a write whose outcome is unknown (timeout, lost connection,
 * 504) with the same client id and sequence number, so the cluster applies it at most once (thesis
 * §6.3). Writes run one at a time per client (the thesis' one outstanding request per session);
 * reads may run concurrently.
 *
 * <p>Every operation either returns, or throws {@link DefiniteFailure} (it did not happen) or
 * {@link IndeterminateFailure} (it may have happened).
 *
 * <p>Failover: a node that refused the connection or did not answer within the attempt's timeout is
 * left for the next endpoint after it, and for one attempt timeout it is a suspect: a redirect to it
 * (a follower that has not yet noticed its leader is gone) is not followed; the client tries the next
 * endpoint after a short pause instead, until a follower names another leader or says it knows none.
 */
public final class RefraftClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BACKOFF_MS = 50;

  /** One answer from a node: its HTTP status and JSON body. */
  public record Response(int status, JsonNode body) {
    public Response {
      Objects.requireNonNull(body, "body");
    }
  }

  private final List<URI> endpoints;
  private final Duration requestTimeout;
  private final Duration deadline;
  private final boolean sessions;
  private final boolean homeReads;
  private final HttpClient http;
  private final Object writeLock = new Object();
  private volatile URI leader;
  /** The node that last failed an attempt, and until when (System.nanoTime) redirects to it are not followed. */
  private URI suspect;
  private long suspectUntil;
  private int next;
  private long clientId;
  private long seq;

  /**
   * @param endpoints      base URLs of some nodes, e.g. {@code http://127.0.0.1:7001}
   * @param requestTimeout how long one HTTP attempt may take
   * @param deadline       how long an operation may take over all its attempts
   * @param sessions       whether writes run in a session (exactly-once retries)
   */
  public RefraftClient(List<URI> endpoints, Duration requestTimeout, Duration deadline, boolean sessions) {
    this(endpoints, requestTimeout, deadline, sessions, false);
  }

  /**
   * @param homeReads whether every read starts at the first endpoint, the client's home node, rather
   *                  than at the leader found by earlier requests: a Jepsen client is bound to one
   *                  node, so a node that answers reads it should redirect is exposed (a correct
   *                  follower redirects a linearizable read to the leader; one hop more)
   */
  public RefraftClient(List<URI> endpoints, Duration requestTimeout, Duration deadline, boolean sessions,
      boolean homeReads) {
    this.homeReads = homeReads;
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("give at least one endpoint");
    }
    this.endpoints = List.copyOf(endpoints);
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.sessions = sessions;
    this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(requestTimeout).build();
  }

  /** A linearizable read: the register's value or the list (a JSON array); empty when absent. */
  public Optional<JsonNode> get(String key) {
    return read(key, false);
  }

  /** A read of whichever node answers, possibly stale (not linearizable). */
  public Optional<JsonNode> getStale(String key) {
    return read(key, true);
  }

  private Optional<JsonNode> read(String key, boolean stale) {
    Response r = call("GET", path(key) + (stale ? "?stale=true" : ""), null, false, 0, 0,
        homeReads ? endpoints.getFirst() : null);
    return r.status() == 404 ? Optional.empty() : Optional.of(r.body().get("value"));
  }

  /** Writes a register; returns the log index of the write. */
  public long put(String key, String value) {
    return write("PUT", path(key), value.getBytes(StandardCharsets.UTF_8)).body().path("index").asLong();
  }

  public long delete(String key) {
    return write("DELETE", path(key), null).body().path("index").asLong();
  }

  /**
   * Compare-and-set: {@code from} empty means "absent". A mismatch is a {@link DefiniteFailure}
   * with {@link DefiniteFailure#casMismatch()} and the current value in its body.
   */
  public long cas(String key, Optional<String> from, String to) {
    ObjectNode body = JSON.createObjectNode().put("from", from.orElse(null)).put("to", to);
    return write("POST", path(key) + "/cas", bytes(body)).body().path("index").asLong();
  }

  public long append(String key, String value) {
    return write("POST", path(key) + "/append", bytes(JSON.createObjectNode().put("value", value)))
        .body().path("index").asLong();
  }

  /** Runs a transaction of Jepsen micro-ops; returns them with reads filled in. */
  public JsonNode txn(JsonNode microOps) {
    return write("POST", "/txn", bytes(microOps)).body().get("results");
  }

  private static String path(String key) {
    return "/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }

  /** A write in this client's session: opened on first use, one sequence number per operation. */
  private Response write(String method, String path, byte[] body) {
    synchronized (writeLock) {
      if (!sessions) {
        return call(method, path, body, true, 0, 0);
      }
      if (clientId == 0) {
        clientId = call("POST", "/session", null, true, 0, 0).body().path("client").asLong();
        seq = 0;
      }
      seq++;
      try {
        return call(method, path, body, true, clientId, seq);
      } catch (RefraftClientException e) {
        if (e instanceof DefiniteFailure d && d.status() == 410) {
          clientId = 0; // expired: the next write opens a new session
        }
        throw e;
      }
    }
  }

  private Response call(String method, String path, byte[] body, boolean write) {
    return call(method, path, body, write, 0, 0);
  }

  private Response call(String method, String path, byte[] body, boolean write, long client, long sequence) {
    return call(method, path, body, write, client, sequence, null);
  }

  /**
   * Sends until a node answers with the outcome or the deadline passes. A write without a session
   * is not resent once it may have arrived: only a session makes a resend safe. {@code start}: where
   * the first attempt goes; null: the known leader, else the next endpoint.
   */
  private Response call(String method, String path, byte[] body, boolean write, long client, long sequence,
      URI start) {
    long end = System.nanoTime() + deadline.toNanos();
    boolean maybeSent = false;
    boolean resendSafe = !write || client != 0;
    String last = "no attempt";
    URI base = start != null ? start : leader != null ? leader : endpoint();
    while (true) {
      long remainingMs = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
      if (remainingMs <= 0) {
        break;
      }
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofMillis(Math.min(requestTimeout.toMillis(), remainingMs)))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      if (client != 0) {
        req.header("Refraft-Client-Id", Long.toString(client)).header("Refraft-Sequence", Long.toString(sequence));
      }
      HttpResponse<byte[]> resp;
      try {
        resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (ConnectException | HttpConnectTimeoutException e) { // never reached a node
        last = base + ": " + e;
        base = failed(base);
        pause(BACKOFF_MS, end);
        continue;
      } catch (IOException e) {
        last = base + ": " + e;
        if (write) {
          maybeSent = true;
        }
        if (!resendSafe) {
          throw new IndeterminateFailure(method + " " + path + ": sent, then " + e, e);
        }
        base = failed(base);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IndeterminateFailure(method + " " + path + ": interrupted", e);
      }
      JsonNode json = parse(resp.body());
      int code = resp.statusCode();
      switch (code) {
        case 307 -> {
          Optional<String> loc = resp.headers().firstValue("Location");
          if (loc.isEmpty()) {
            throw new DefiniteFailure(code, json, "307 without Location from " + base);
          }
          URI l = URI.create(loc.get());
          URI to = URI.create(l.getScheme() + "://" + l.getRawAuthority());
          if (isSuspect(to)) { // the follower still names the leader that just failed: ask another
            last = base + ": redirected to " + to + ", which just failed";
            base = after(base);
            pause(BACKOFF_MS, end);
          } else {
            base = to;
            leader = base;
            last = "redirected to " + base;
          }
        }
        case 503 -> {
          last = base + ": 503 " + json.path("error").asText();
          leader = null;
          base = endpoint();
          pause(BACKOFF_MS * 2, end);
        }
        case 504 -> {
          last = base + ": 504 " + json.path("error").asText();
          maybeSent = maybeSent || write;
          if (!resendSafe) {
            throw new IndeterminateFailure(method + " " + path + ": " + last, null);
          }
          pause(BACKOFF_MS, end);
        }
        default -> {
          if (code == 200 || (code == 404 && method.equals("GET"))) {
            return new Response(code, json);
          }
          if (code == 410 && maybeSent) {
            throw new IndeterminateFailure(method + " " + path + ": session expired after a resend", null);
          }
          if (code == 507 && maybeSent) {
            // the resend was refused before it reached the log, but an earlier attempt may be in it
            throw new IndeterminateFailure(method + " " + path + ": " + code + " after an attempt that may have "
                + "arrived: " + json, null);
          }
          throw new DefiniteFailure(code, json, method + " " + path + ": HTTP " + code + " " + json);
        }
      }
    }
    String why = method + " " + path + ": no outcome within " + deadline.toMillis() + " ms; last: " + last;
    if (maybeSent) {
      throw new IndeterminateFailure(why, null);
    }
    throw new DefiniteFailure(0, null, why);
  }

  /** {@code base} failed an attempt: it is a suspect for one attempt timeout; returns where to go next. */
  private synchronized URI failed(URI base) {
    leader = null;
    suspect = base;
    suspectUntil = System.nanoTime() + requestTimeout.toNanos();
    return after(base);
  }

  private synchronized boolean isSuspect(URI u) {
    return u.equals(suspect) && System.nanoTime() - suspectUntil < 0;
  }

  /** The endpoint after {@code u} in the list (the next in turn when {@code u} is not one of them). */
  private synchronized URI after(URI u) {
    int i = endpoints.indexOf(u);
    if (i < 0) {
      return endpoint();
    }
    URI e = endpoints.get((i + 1) % endpoints.size());
    next = i + 2;
    return e;
  }

  private synchronized URI endpoint() {
    URI e = endpoints.get(next % endpoints.size());
    next++;
    return e;
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null || n.isMissingNode() ? JSON.createObjectNode() : n;
    } catch (IOException e) {
      return JSON.createObjectNode().put("error", "unparsable body: " + new String(body, StandardCharsets.UTF_8));
    }
  }

  /** Backs off before the next attempt, never past {@code end}. */
  private static void pause(long ms, long end) {
    long wait = Math.min(ms, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
    if (wait > 0) {
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
