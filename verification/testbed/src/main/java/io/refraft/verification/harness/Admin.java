package io.refraft.verification.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The nodes' status and admin endpoints, with short timeouts: a paused node must not stall the nemesis. */
final class Admin implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final LocalCluster cluster;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  Admin(LocalCluster cluster) {
    this.cluster = cluster;
  }

  /** Node {@code i}'s {@code /status}, or empty when it does not answer within a second. */
  Optional<JsonNode> status(int i) {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.url(i) + "/status")).timeout(TIMEOUT).GET().build();
      HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      return resp.statusCode() == 200 ? Optional.of(JSON.readTree(resp.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The index of the node that says it leads, in the highest term among those answering; -1 if none. */
  int leader() {
    int best = -1;
    long bestTerm = -1;
    for (int i = 0; i < cluster.size(); i++) {
      if (!cluster.alive(i) || cluster.paused(i)) {
        continue;
      }
      Optional<JsonNode> s = status(i);
      if (s.isPresent() && "Leader".equals(s.get().path("role").asText()) && s.get().path("term").asLong() > bestTerm) {
        best = i;
        bestTerm = s.get().path("term").asLong();
      }
    }
    return best;
  }

  /** {@code POST /admin/block} on node {@code at} for {@code peer}; true when the node answered 200. */
  boolean block(int at, int peer, boolean blocked) {
    try {
      URI uri = URI.create(cluster.url(at) + "/admin/block?peer=" + LocalCluster.id(peer) + "&blocked=" + blocked);
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * {@code POST /admin/snapshot} on node {@code i}: the index of the snapshot it then holds, having
   * compacted its log up to it; empty when it did not answer 200 within {@code timeout}.
   */
  java.util.OptionalLong snapshot(int i, Duration timeout) {
    try {
      URI uri = URI.create(cluster.url(i) + "/admin/snapshot");
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build();
      HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      return resp.statusCode() == 200 ? java.util.OptionalLong.of(JSON.readTree(resp.body()).path("index").asLong())
          : java.util.OptionalLong.empty();
    } catch (IOException e) {
      return java.util.OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
