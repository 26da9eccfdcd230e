package io.refraft.examples;

import static io.refraft.verification.history.HistoryBuilder.mop;
import static io.refraft.verification.history.HistoryBuilder.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import io.refraft.verification.elle.Anomaly;
import io.refraft.verification.elle.AnomalyType;
import io.refraft.verification.elle.ConsistencyModel;
import io.refraft.verification.elle.Elle;
import io.refraft.verification.elle.ElleResult;
import io.refraft.verification.elle.Options;
import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryBuilder;
import io.refraft.verification.history.HistoryFormat;
import io.refraft.verification.linear.CasRegister;
import io.refraft.verification.linear.KvModel;
import io.refraft.verification.linear.LinearChecker;
import io.refraft.verification.linear.LinearResult;
import io.refraft.verification.linear.MultiRegister;
import io.refraft.verification.linear.SetModel;
import io.refraft.verification.trace.Divergence;
import io.refraft.verification.trace.StepValidator;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.trace.ValidationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkers' public API as another project uses it: every example of the "Library API" section of
 * verification/checkers/README.md is in this class, line for line ({@code ReadmeExamplesTest} checks),
 * so the README's code compiles and does what the README says. It lives outside the checkers'
 * packages so that it can only use what they make public.
 */
class LibraryExamplesTest {
  private static final Path CORPUS = Path.of("..", "..", "traces", "corpus");

  @TempDir Path dir;

  @Test
  void validate_a_trace_file() throws Exception {
    Path traceFile = CORPUS.resolve("invalid/leader-overwrites-entry.ndjson");
    // README: trace-file
    TraceValidator validator = new TraceValidator(TraceValidator.Options.defaults());
    ValidationResult result = validator.validateFile(traceFile);
    if (!result.valid()) {
      Divergence d = result.divergence().orElseThrow();
      System.out.println(d.file() + ":" + d.line() + " " + d.node() + ": " + d.reason());
      System.out.println(d.explain()); // both states, field by field, and the steps before
    }
    // README: end
    assertFalse(result.valid());
    assertTrue(result.divergence().orElseThrow().line() > 1);
    assertTrue(validator.validateFile(CORPUS.resolve("valid/election-and-replication-3.ndjson")).valid());
  }

  @Test
  void validate_a_stream_of_steps() throws Exception {
    List<TraceStep> stepsFromYourNode;
    io.refraft.traces.TraceHeader runHeader;
    try (TraceReader r = TraceReader.open(CORPUS.resolve("valid/election-and-replication-3.ndjson"))) {
      runHeader = r.header();
      List<TraceStep> steps = new java.util.ArrayList<>();
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        steps.add(s);
      }
      stepsFromYourNode = steps;
    }
    // README: trace-stream
    StepValidator v = new StepValidator(runHeader, TraceValidator.Options.defaults());
    long line = 1;
    for (TraceStep step : stepsFromYourNode) {
      if (!v.step("my-run", ++line, step)) {
        break; // the first divergence; later steps would be ignored
      }
    }
    ValidationResult result = v.finish(); // also checks the invariants on the final cluster
    // README: end
    assertTrue(result.valid(), () -> result.divergence().map(Divergence::explain).orElse(""));
    assertEquals(stepsFromYourNode.size(), result.events());
  }

  @Test
  void list_append_history_built_in_code() {
    // README: elle-list-append
    History h = new HistoryBuilder()
        .invoke(0, "txn", List.of(mop("append", "x", 1), mop("r", "y", null)))
        .invoke(1, "txn", List.of(mop("append", "y", 1), mop("r", "x", null)))
        .ok(0, "txn", List.of(mop("append", "x", 1), mop("r", "y", List.of())))
        .ok(1, "txn", List.of(mop("append", "y", 1), mop("r", "x", List.of())))
        .build();
    ElleResult r = Elle.listAppend(h, Options.of(ConsistencyModel.SERIALIZABLE));
    r.valid();              // ElleResult.Validity.FALSE: write skew is not serializable
    r.anomalyTypeNames();   // [G2-item]
    r.notNames();           // the weakest models ruled out
    for (Anomaly a : r.anomalies().get(AnomalyType.G2_ITEM)) {
      System.out.println(a.explanation()); // "Let: T1 = ... Then: T1 < T2, because T2 observed ..."
    }
    // README: end
    assertEquals(ElleResult.Validity.FALSE, r.valid());
    assertEquals(List.of("G2-item"), r.anomalyTypeNames());
    assertTrue(r.anomalies().get(AnomalyType.G2_ITEM).get(0).explanation().contains("T1"));
  }

  @Test
  void rw_register_history_read_from_a_file() throws Exception {
    Path file = dir.resolve("history.edn");
    Files.writeString(file, """
        {:type :invoke, :process 0, :f :txn, :value [[:w :x 1]]}
        {:type :ok, :process 0, :f :txn, :value [[:w :x 1]]}
        {:type :invoke, :process 1, :f :txn, :value [[:r :x nil]]}
        {:type :ok, :process 1, :f :txn, :value [[:r :x 1]]}
        """);
    // README: elle-rw-register
    History h = HistoryFormat.AUTO.read(file); // EDN, Jepsen's old log, Porcupine's kv or refraft JSONL
    ElleResult r = Elle.rwRegister(h, Options.defaults()); // strict-serializable
    // README: end
    assertEquals(ElleResult.Validity.TRUE, r.valid());
  }

  @Test
  void linearizability_with_each_model() {
    // README: linear-register
    History h = new HistoryBuilder()
        .invoke(0, "write", 1).ok(0, "write", 1)
        .invoke(1, "read", null).ok(1, "read", 0)
        .build();
    LinearResult r = LinearChecker.check(CasRegister.register(0), h, Duration.ofSeconds(10));
    switch (r) {
      case LinearResult.Valid v -> System.out.println("linearizable");
      case LinearResult.Invalid bad -> System.out.println(bad.explanation()); // the op that cannot be placed, and why
      case LinearResult.Unknown u -> System.out.println("gave up: " + u.reason());
    }
    // README: end
    LinearResult.Invalid bad = assertInstanceOf(LinearResult.Invalid.class, r);
    assertTrue(bad.explanation().contains("read"), bad.explanation());

    // README: linear-models
    History cas = new HistoryBuilder()
        .invoke(0, "cas", List.of(0, 1)).ok(0, "cas", List.of(0, 1))
        .invoke(1, "read", null).ok(1, "read", 1).build();
    History kv = new HistoryBuilder()
        .invoke(0, "put", tuple("k", "a")).ok(0, "put", tuple("k", "a"))
        .invoke(1, "get", tuple("k", null)).ok(1, "get", tuple("k", "a")).build();
    History set = new HistoryBuilder()
        .invoke(0, "add", 1).ok(0, "add", 1)
        .invoke(1, "read", null).ok(1, "read", Set.of(1)).build();
    History multi = new HistoryBuilder()
        .invoke(0, "txn", List.of(mop("write", "x", 1), mop("write", "y", 2)))
        .ok(0, "txn", List.of(mop("write", "x", 1), mop("write", "y", 2)))
        .invoke(1, "txn", List.of(mop("read", "x", null))).ok(1, "txn", List.of(mop("read", "x", 1))).build();
    Duration limit = Duration.ofSeconds(10);
    LinearChecker.check(CasRegister.casRegister(0), cas, limit);  // Knossos' cas-register
    LinearChecker.check(new KvModel(), kv, limit);                // Porcupine's kv: [key value], one partition per key
    LinearChecker.check(new SetModel(), set, limit);              // :add x, :read -> every element
    LinearChecker.check(new MultiRegister(Map.of()), multi, limit); // Knossos' multi-register
    // README: end
    for (LinearResult each : List.of(LinearChecker.check(CasRegister.casRegister(0), cas, limit),
        LinearChecker.check(new KvModel(), kv, limit), LinearChecker.check(new SetModel(), set, limit),
        LinearChecker.check(new MultiRegister(Map.of()), multi, limit))) {
      assertInstanceOf(LinearResult.Valid.class, each, () -> each instanceof LinearResult.Invalid i ? i.explanation() : "");
    }
  }
}
