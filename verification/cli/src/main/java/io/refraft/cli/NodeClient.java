package io.refraft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Reads a node's {@code /status} over HTTP, with short timeouts (a dead node must not stall a table). */
final class NodeClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static HttpClient http;
  private static javax.net.ssl.SSLContext builtWith;

  /** A client on the JVM's current default TLS context ({@link ClientTlsOptions#apply()} may change it). */
  private static synchronized HttpClient http() {
    javax.net.ssl.SSLContext now;
    try {
      now = javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
    if (http == null || now != builtWith) {
      http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      builtWith = now;
    }
    return http;
  }

  private NodeClient() {}

  /** The node's status, or empty when it does not answer within a second. */
  static Optional<JsonNode> status(String baseUrl) {
    try {
      // A first TLS handshake between fresh JVMs (class loading, unoptimized elliptic-curve code) took
      // several seconds on a loaded 2-core machine.
      Duration timeout = Duration.ofSeconds(baseUrl.startsWith("https:") ? 5 : 1);
      HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/status")).timeout(timeout).GET()
          .build();
      HttpResponse<byte[]> resp = http().send(req, HttpResponse.BodyHandlers.ofByteArray());
      return resp.statusCode() == 200 ? Optional.of(JSON.readTree(resp.body())) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** A node's answer: HTTP status and JSON body. */
  record Answer(int status, JsonNode body) {}

  /** POSTs an empty body to {@code path}; empty when the node does not answer within {@code timeout}. */
  static Optional<Answer> post(String baseUrl, String path, Duration timeout) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<byte[]> resp = http().send(req, HttpResponse.BodyHandlers.ofByteArray());
      return Optional.of(new Answer(resp.statusCode(), JSON.readTree(resp.body())));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
