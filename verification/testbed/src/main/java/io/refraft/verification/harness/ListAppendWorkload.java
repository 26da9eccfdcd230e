package io.refraft.verification.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.refraft.impl.client.RefraftClient;
import io.refraft.verification.elle.Anomaly;
import io.refraft.verification.elle.ConsistencyModel;
import io.refraft.verification.elle.Elle;
import io.refraft.verification.elle.ElleOutput;
import io.refraft.verification.elle.ElleResult;
import io.refraft.verification.elle.Options;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Elle's list-append workload: transactions of 1–4 micro-ops {@code [:append k v]} / {@code [:r k
 * nil]} over a few active keys, run as one {@code POST /txn} (one log entry). Every value appended
 * to a key is unique (a per-key counter), which is what lets Elle recover each key's version order
 * from the reads. A key retires after {@link #WRITES_PER_KEY} appends and a fresh one takes its
 * place, as in Jepsen's generator: short lists keep reads cheap and the dependency graph dense.
 * Checked for strict serializability.
 */
public final class ListAppendWorkload implements Workload {
  static final Keyword TXN = Keyword.of("txn");
  static final Keyword APPEND = Keyword.of("append");
  static final Keyword R = Keyword.of("r");
  static final int ACTIVE_KEYS = 5;
  static final int WRITES_PER_KEY = 32;
  static final int MAX_TXN_LENGTH = 4;

  private final long[] active = new long[ACTIVE_KEYS];
  private final int[] writes = new int[ACTIVE_KEYS];
  private long nextKey;

  public ListAppendWorkload() {
    for (int i = 0; i < ACTIVE_KEYS; i++) {
      active[i] = nextKey++;
    }
  }

  @Override
  public synchronized Invocation next(Random rnd) {
    int n = 1 + rnd.nextInt(MAX_TXN_LENGTH);
    List<Object> mops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int slot = rnd.nextInt(ACTIVE_KEYS);
      long key = active[slot];
      if (rnd.nextBoolean()) {
        mops.add(read(key));
      } else {
        mops.add(List.of(APPEND, key, (long) ++writes[slot]));
        if (writes[slot] >= WRITES_PER_KEY) {
          active[slot] = nextKey++;
          writes[slot] = 0;
        }
      }
    }
    return new Invocation(TXN, List.copyOf(mops));
  }

  /** {@code [:r k nil]}: unmodifiable like {@code List.of}, which cannot hold the nil. */
  private static List<Object> read(long key) {
    return Collections.unmodifiableList(Arrays.asList(R, key, null));
  }

  @Override
  public Completion run(RefraftClient client, Invocation op) {
    ArrayNode body = JsonNodeFactory.instance.arrayNode();
    for (Object m : (List<?>) op.value()) {
      List<?> mop = (List<?>) m;
      ArrayNode a = body.addArray().add(mop.get(0).equals(APPEND) ? "append" : "r").add(mop.get(1).toString());
      if (mop.get(2) == null) {
        a.addNull();
      } else {
        a.add(mop.get(2).toString());
      }
    }
    return Workload.attempt(() -> completed(op, client.txn(body)));
  }

  /** The invocation's micro-ops with the reads filled in from the node's answer. */
  private static Object completed(Invocation op, JsonNode results) {
    List<?> mops = (List<?>) op.value();
    if (results == null || !results.isArray() || results.size() != mops.size()) {
      throw new IllegalStateException("txn answer does not match its " + mops.size() + " micro-ops: " + results);
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < mops.size(); i++) {
      List<?> mop = (List<?>) mops.get(i);
      if (mop.get(0).equals(R)) {
        out.add(Arrays.asList(R, mop.get(1), readList(results.get(i).get(2))));
      } else {
        out.add(mop);
      }
    }
    return List.copyOf(out);
  }

  private static List<Long> readList(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (JsonNode e : v) {
      out.add(Long.parseLong(e.asText()));
    }
    return List.copyOf(out);
  }

  @Override
  public synchronized List<Invocation> finalReads() {
    List<Invocation> out = new ArrayList<>();
    List<Object> batch = new ArrayList<>();
    for (long k = 0; k < nextKey; k++) {
      batch.add(read(k));
      if (batch.size() == MAX_TXN_LENGTH || k == nextKey - 1) {
        out.add(new Invocation(TXN, List.copyOf(batch)));
        batch.clear();
      }
    }
    return out;
  }

  @Override
  public synchronized Invocation livenessWrite() {
    return new Invocation(TXN, List.of(List.of(APPEND, nextKey++, 1L)));
  }

  @Override
  public Check check(History history, Path dir, Duration timeout) throws IOException {
    Options options = new Options(List.of(ConsistencyModel.STRICT_SERIALIZABLE), Options.DEFAULT_CYCLE_SEARCH_TIMEOUT);
    ElleResult r = Elle.listAppend(history.clientOps(), options);
    List<String> explanations = new ArrayList<>();
    for (Map.Entry<?, List<Anomaly>> e : r.anomalies().entrySet()) {
      e.getValue().stream().limit(3).forEach(a -> explanations.add(a.type().elleName() + ": " + a.explanation()));
    }
    List<String> artifacts = new ArrayList<>();
    if (!r.anomalies().isEmpty()) {
      ElleOutput.writeAll(r, dir.resolve("elle"));
      artifacts.add("elle/");
    }
    Validity v = switch (r.valid()) {
      case TRUE -> Validity.VALID;
      case FALSE -> Validity.INVALID;
      case UNKNOWN -> Validity.UNKNOWN;
    };
    String summary = switch (v) {
      case VALID -> r.transactions() + " transactions consistent with strict-serializable";
      case INVALID -> "anomalies " + r.anomalyTypeNames() + "; not " + r.notNames();
      case UNKNOWN -> "could not decide strict-serializable: " + r.anomalyTypeNames();
    };
    return new Check("elle list-append, strict-serializable", v, r.anomalyTypeNames(), explanations, summary, artifacts);
  }
}
