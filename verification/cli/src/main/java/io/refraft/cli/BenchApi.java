package io.refraft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The requests {@code refraft bench} sends, one implementation per system under test. Every request
 * is a plain {@link HttpRequest} sent by the same {@link HttpClient} (HTTP/1.1, pooled connections),
 * so the client side costs the same whichever system is measured; only URLs and bodies differ.
 */
sealed interface BenchApi {
  Duration TIMEOUT = Duration.ofSeconds(10);

  /** A write of {@code value} to {@code key}, acknowledged once committed. */
  HttpRequest put(URI base, String key, String value);

  /** A linearizable read of {@code key}. */
  HttpRequest get(URI base, String key);

  /** One atomic transaction: read {@code readKey}, write {@code value} to {@code writeKey}. */
  HttpRequest txn(URI base, String readKey, String writeKey, String value);

  /** Whether a response status means the operation succeeded (a read of an absent key does). */
  boolean ok(int status);

  /** Whether the node at {@code base} says it is the leader; empty when it does not answer. */
  Optional<Boolean> isLeader(HttpClient http, URI base);

  static BenchApi of(String name) {
    return switch (name) {
      case "refraft" -> new Refraft();
      case "etcd" -> new Etcd();
      case "raw" -> new Raw();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** refraft's KV API: {@code PUT /kv/k}, {@code GET /kv/k} (ReadIndex), {@code POST /txn}. */
  record Refraft() implements BenchApi {
    @Override
    public HttpRequest put(URI base, String key, String value) {
      return HttpRequest.newBuilder(base.resolve("/kv/" + encode(key))).timeout(TIMEOUT)
          .PUT(HttpRequest.BodyPublishers.ofString(value)).build();
    }

    @Override
    public HttpRequest get(URI base, String key) {
      return HttpRequest.newBuilder(base.resolve("/kv/" + encode(key))).timeout(TIMEOUT).GET().build();
    }

    @Override
    public HttpRequest txn(URI base, String readKey, String writeKey, String value) {
      String body = "[[\"r\"," + quote(readKey) + ",null],[\"w\"," + quote(writeKey) + "," + quote(value) + "]]";
      return HttpRequest.newBuilder(base.resolve("/txn")).timeout(TIMEOUT)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public boolean ok(int status) {
      return status == 200 || status == 404;
    }

    @Override
    public Optional<Boolean> isLeader(HttpClient http, URI base) {
      return NodeClient.status(base.toString()).map(s -> "Leader".equals(s.path("role").asText()));
    }
  }

  /** refraft's raw log, {@code POST /propose} (the commit benchmark): every op is a proposal. */
  record Raw() implements BenchApi {
    @Override
    public HttpRequest put(URI base, String key, String value) {
      return HttpRequest.newBuilder(base.resolve("/propose")).timeout(TIMEOUT)
          .POST(HttpRequest.BodyPublishers.ofString(key + "=" + value)).build();
    }

    @Override
    public HttpRequest get(URI base, String key) {
      return put(base, key, "");
    }

    @Override
    public HttpRequest txn(URI base, String readKey, String writeKey, String value) {
      return put(base, writeKey, value);
    }

    @Override
    public boolean ok(int status) {
      return status == 200;
    }

    @Override
    public Optional<Boolean> isLeader(HttpClient http, URI base) {
      return new Refraft().isLeader(http, base);
    }
  }

  /**
   * etcd v3's JSON gateway (grpc-gateway): {@code POST /v3/kv/put}, {@code /v3/kv/range} (linearizable
   * unless {@code serializable} is set, which it is not), {@code /v3/kv/txn}; keys and values base64.
   */
  record Etcd() implements BenchApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public HttpRequest put(URI base, String key, String value) {
      return post(base, "/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
    }

    @Override
    public HttpRequest get(URI base, String key) {
      return post(base, "/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
    }

    @Override
    public HttpRequest txn(URI base, String readKey, String writeKey, String value) {
      return post(base, "/v3/kv/txn", "{\"success\":[{\"request_range\":{\"key\":\"" + b64(readKey) + "\"}},"
          + "{\"request_put\":{\"key\":\"" + b64(writeKey) + "\",\"value\":\"" + b64(value) + "\"}}]}");
    }

    @Override
    public boolean ok(int status) {
      return status == 200;
    }

    /** {@code POST /v3/maintenance/status}: this member is the leader when its id is the leader's. */
    @Override
    public Optional<Boolean> isLeader(HttpClient http, URI base) {
      try {
        HttpResponse<byte[]> r = http.send(post(base, "/v3/maintenance/status", "{}"),
            HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          return Optional.empty();
        }
        JsonNode s = JSON.readTree(r.body());
        String leader = s.path("leader").asText();
        return Optional.of(!leader.isEmpty() && leader.equals(s.path("header").path("member_id").asText()));
      } catch (IOException | IllegalArgumentException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    private static HttpRequest post(URI base, String path, String body) {
      return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String b64(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String encode(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  /** Bench keys and values are [a-z0-9]: quoting needs no escapes. */
  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
