package io.refraft.verification.harness;

import com.fasterxml.jackson.databind.JsonNode;
import io.refraft.impl.client.RefraftClient;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.linear.CasRegister;
import io.refraft.verification.linear.IndependentModel;
import io.refraft.verification.linear.LinearChecker;
import io.refraft.verification.linear.LinearResult;
import io.refraft.verification.linear.LinearTimeline;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Jepsen's linearizable-register workload: single-key {@code :read}, {@code :write} and
 * {@code :cas [from to]} over small values, as {@code jepsen.independent} {@code [key value]}
 * tuples, checked key by key with the cas-register model (a register that starts absent; a cas that
 * finds another value fails without effect). Reads are {@code GET /kv/k} (ReadIndex). A key
 * retires after {@link #OPS_PER_KEY} operations: the search is exponential in the concurrent,
 * indeterminate ops of one key, so keys stay short, as in Jepsen.
 */
public final class RegisterWorkload implements Workload {
  static final Keyword READ = Keyword.of("read");
  static final Keyword WRITE = Keyword.of("write");
  static final Keyword CAS = Keyword.of("cas");
  static final int ACTIVE_KEYS = 4;
  static final int OPS_PER_KEY = 120;
  static final int VALUES = 5;

  private final long[] active = new long[ACTIVE_KEYS];
  private final int[] used = new int[ACTIVE_KEYS];
  private long nextKey;

  public RegisterWorkload() {
    for (int i = 0; i < ACTIVE_KEYS; i++) {
      active[i] = nextKey++;
    }
  }

  @Override
  public synchronized Invocation next(Random rnd) {
    int slot = rnd.nextInt(ACTIVE_KEYS);
    long key = active[slot];
    if (++used[slot] >= OPS_PER_KEY) {
      active[slot] = nextKey++;
      used[slot] = 0;
    }
    return switch (rnd.nextInt(3)) {
      case 0 -> new Invocation(READ, Arrays.asList(key, null));
      case 1 -> new Invocation(WRITE, List.of(key, 1L + rnd.nextInt(VALUES)));
      default -> new Invocation(CAS, List.of(key, List.of(1L + rnd.nextInt(VALUES), 1L + rnd.nextInt(VALUES))));
    };
  }

  @Override
  public Completion run(RefraftClient client, Invocation op) {
    List<?> tuple = (List<?>) op.value();
    String key = "r" + tuple.get(0);
    Object v = tuple.get(1);
    if (op.f().equals(READ)) {
      return Workload.attempt(() -> Arrays.asList(tuple.get(0), value(client.get(key))));
    }
    if (op.f().equals(WRITE)) {
      return Workload.attempt(() -> {
        client.put(key, v.toString());
        return tuple;
      });
    }
    List<?> fromTo = (List<?>) v;
    return Workload.attempt(() -> {
      client.cas(key, Optional.of(fromTo.get(0).toString()), fromTo.get(1).toString());
      return tuple;
    });
  }

  private static Long value(Optional<JsonNode> v) {
    return v.filter(n -> !n.isNull()).map(n -> Long.parseLong(n.asText())).orElse(null);
  }

  @Override
  public synchronized List<Invocation> finalReads() {
    List<Invocation> out = new ArrayList<>();
    for (long k = 0; k < nextKey; k++) {
      out.add(new Invocation(READ, Arrays.asList(k, null)));
    }
    return out;
  }

  @Override
  public synchronized Invocation livenessWrite() {
    return new Invocation(WRITE, List.of(nextKey++, 1L));
  }

  @Override
  public Check check(History history, Path dir, Duration timeout) throws IOException {
    LinearResult r = LinearChecker.check(new IndependentModel<>(CasRegister.casRegister(null)), history.clientOps(),
        timeout);
    String checker = "linearizability, cas-register per key";
    return switch (r) {
      case LinearResult.Valid v -> new Check(checker, Validity.VALID, List.of(), List.of(),
          v.partitions() + " keys, " + v.operations() + " operations linearizable", List.of());
      case LinearResult.Unknown u -> new Check(checker, Validity.UNKNOWN, List.of(), List.of(),
          "key " + u.partitionKey() + ": " + u.reason(), List.of());
      case LinearResult.Invalid bad -> {
        Path html = dir.resolve("linear-timeline.html");
        LinearTimeline.write(bad, "key " + bad.partitionKey() + ": not linearizable (cas-register)", html);
        yield new Check(checker, Validity.INVALID, List.of("nonlinearizable"), List.of(bad.explanation()),
            "key " + bad.partitionKey() + " is not linearizable", List.of("linear-timeline.html"));
      }
    };
  }
}
