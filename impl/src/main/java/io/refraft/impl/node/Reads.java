package io.refraft.impl.node;

import io.refraft.spec.Output;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A driver's linearizable reads (thesis §6.4, ReadIndex) from the request to the read point: each
 * turn's reads share one request to the spec; once the spec confirms a read index, they wait for
 * the state machine to reach it. Owned by the state thread.
 */
final class Reads {
  private long nextId = 1;
  /** Requests the spec has not answered yet, by request id: the client reads each one serves. */
  private final Map<Long, List<CompletableFuture<Long>>> requested = new HashMap<>();
  /** Reads confirmed at a read index this node has not applied yet, by read index. */
  private final TreeMap<Long, List<CompletableFuture<Long>>> confirmed = new TreeMap<>();

  /** Registers one request serving {@code reads}; returns its id for the spec's input. */
  long request(List<CompletableFuture<Long>> reads) {
    long id = nextId++;
    requested.put(id, reads);
    return id;
  }

  void ready(Output.ReadReady r) {
    List<CompletableFuture<Long>> fs = requested.remove(r.requestId());
    if (fs != null) {
      confirmed.computeIfAbsent(r.readIndex(), k -> new ArrayList<>()).addAll(fs);
    }
  }

  void rejected(Output.ReadRejected r) {
    List<CompletableFuture<Long>> fs = requested.remove(r.requestId());
    if (fs != null) {
      NotLeaderException e = new NotLeaderException(r.leader());
      fs.forEach(f -> f.completeExceptionally(e));
    }
  }

  /** Serves the confirmed reads whose read index the state machine has reached (§6.4 step 4). */
  void serveUpTo(long lastApplied) {
    Map<Long, List<CompletableFuture<Long>>> due = confirmed.headMap(lastApplied, true);
    due.forEach((index, futures) -> futures.forEach(f -> f.complete(index)));
    due.clear();
  }

  void failAll(Exception cause) {
    requested.values().forEach(fs -> fs.forEach(f -> f.completeExceptionally(cause)));
    requested.clear();
    confirmed.values().forEach(fs -> fs.forEach(f -> f.completeExceptionally(cause)));
    confirmed.clear();
  }
}
