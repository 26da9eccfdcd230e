package io.refraft.impl.node;

import io.refraft.spec.Output;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The node's {@link Reads} (thesis §6.4, ReadIndex): each turn's reads share one request to the
 * spec, because every one of them arrived before it, so one confirmation round started after all of
 * them serves them all ("the leader can batch read-only queries"); once the spec confirms a read
 * index, they wait for the state machine to reach it. Owned by the state thread.
 */
final class ReadIndexReads implements Reads {
  private long nextId = 1;
  /** Reads arrived in this turn, not yet requested. */
  private List<CompletableFuture<Long>> arrived = new ArrayList<>();
  /** Requests the spec has not answered yet, by request id: the client reads each one serves. */
  private final Map<Long, List<CompletableFuture<Long>>> requested = new HashMap<>();
  /** Reads confirmed at a read index this node has not applied yet, by read index. */
  private final TreeMap<Long, List<CompletableFuture<Long>>> confirmed = new TreeMap<>();

  @Override
  public void arrived(CompletableFuture<Long> read) {
    arrived.add(read);
  }

  @Override
  public OptionalLong requestArrived() {
    if (arrived.isEmpty()) {
      return OptionalLong.empty();
    }
    long id = nextId++;
    requested.put(id, arrived);
    arrived = new ArrayList<>();
    return OptionalLong.of(id);
  }

  @Override
  public void ready(Output.ReadReady r) {
    List<CompletableFuture<Long>> fs = requested.remove(r.requestId());
    if (fs != null) {
      confirmed.computeIfAbsent(r.readIndex(), k -> new ArrayList<>()).addAll(fs);
    }
  }

  @Override
  public void rejected(Output.ReadRejected r) {
    List<CompletableFuture<Long>> fs = requested.remove(r.requestId());
    if (fs != null) {
      NotLeaderException e = new NotLeaderException(r.leader());
      fs.forEach(f -> f.completeExceptionally(e));
    }
  }

  @Override
  public void serveUpTo(long lastApplied) {
    Map<Long, List<CompletableFuture<Long>>> due = confirmed.headMap(lastApplied, true);
    due.forEach((index, futures) -> futures.forEach(f -> f.complete(index)));
    due.clear();
  }

  @Override
  public void failAll(Exception cause) {
    arrived.forEach(f -> f.completeExceptionally(cause));
    arrived.clear();
    requested.values().forEach(fs -> fs.forEach(f -> f.completeExceptionally(cause)));
    requested.clear();
    confirmed.values().forEach(fs -> fs.forEach(f -> f.completeExceptionally(cause)));
    confirmed.clear();
  }
}
