package io.refraft.verification.sim;

import io.refraft.impl.node.Driver;
import io.refraft.impl.node.RecordingStateMachine;
import io.refraft.spec.Config;
import io.refraft.spec.Entry;
import io.refraft.spec.Payload;
import io.refraft.spec.check.Ghost;
import io.refraft.verification.elle.Anomaly;
import io.refraft.verification.elle.ConsistencyModel;
import io.refraft.verification.elle.Elle;
import io.refraft.verification.elle.ElleResult;
import io.refraft.verification.history.History;
import io.refraft.verification.history.Op;
import io.refraft.verification.linear.CasRegister;
import io.refraft.verification.linear.IndependentModel;
import io.refraft.verification.linear.LinearChecker;
import io.refraft.verification.linear.LinearResult;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The checks at the end of a run, after the fault-free settling period. */
final class FinalChecks {
  private FinalChecks() {}

  /**
   * Every state machine (every incarnation of every node) applied a prefix of the committed history;
   * every acknowledged proposal is in the committed history at its index; and after settling, every
   * node is up and has applied the same prefix.
   */
  static Optional<String> check(Config config, Driver[] drivers, List<List<RecordingStateMachine>> machines,
      List<ClientLoad.Acked> acked, List<Ghost.Committed> committed) {
    for (int i = 0; i < machines.size(); i++) {
      int incarnation = 0;
      for (RecordingStateMachine m : machines.get(i)) {
        incarnation++;
        for (RecordingStateMachine.Applied a : m.applied()) {
          if (!holds(committed, a.index(), a.command())) {
            return Optional.of("StateMachineSafety: " + config.members().get(i) + " (incarnation " + incarnation
                + ") applied " + text(a.command()) + " at index " + a.index() + ", not the committed entry");
          }
        }
      }
    }
    for (ClientLoad.Acked a : acked) {
      if (!holds(committed, a.index(), a.command())) {
        return Optional.of("Durability: acknowledged proposal " + text(a.command()) + " at index " + a.index()
            + " is not in the committed log");
      }
    }
    List<OptionalLong> applied = new ArrayList<>(drivers.length);
    for (Driver d : drivers) {
      applied.add(d == null ? OptionalLong.empty() : OptionalLong.of(d.status().lastApplied()));
    }
    return liveness(config, applied);
  }

  /**
   * After the fault-free settle every node is running ({@code applied} empty: down) and all have
   * applied the same prefix; the first that differs is named.
   */
  static Optional<String> liveness(Config config, List<OptionalLong> applied) {
    long first = -1;
    for (int i = 0; i < applied.size(); i++) {
      if (applied.get(i).isEmpty()) {
        return Optional.of("Liveness: " + config.members().get(i) + " is not running after settling");
      }
      long mine = applied.get(i).getAsLong();
      if (first >= 0 && mine != first) {
        return Optional.of("Liveness: after " + Simulation.SETTLE_NANOS / 1_000_000_000 + " s without faults "
            + config.members().get(i) + " applied up to " + mine + " but " + config.members().get(0) + " up to "
            + first);
      }
      first = mine;
    }
    return Optional.empty();
  }

  private static boolean holds(List<Ghost.Committed> committed, long index, byte[] command) {
    if (index < 1 || index > committed.size()) {
      return false;
    }
    Entry e = committed.get((int) index - 1).entry();
    return e.payload().equals(Payload.Data.wrap(command)); // compares the bytes without copying them
  }

  private static String text(byte[] command) {
    return new String(command, StandardCharsets.US_ASCII);
  }

  /**
   * The clients' history: the list-append transactions must be strict-serializable (Elle), the
   * register operations linearizable per key (Wing-Gong-Lowe). A checker that gives up adds a note,
   * not a failure: it found nothing wrong.
   */
  static Optional<String> checkHistory(List<Op> history, List<String> notes) {
    List<Op> txns = new ArrayList<>();
    List<Op> registers = new ArrayList<>();
    for (Op op : history) {
      (op.f().equals(SimWorkload.TXN) ? txns : registers).add(op);
    }
    ElleResult elle = Elle.listAppend(History.indexed(txns).ops(),
        io.refraft.verification.elle.Options.of(ConsistencyModel.STRICT_SERIALIZABLE));
    switch (elle.valid()) {
      case FALSE -> {
        String first = elle.anomalies().values().stream().flatMap(List::stream).findFirst()
            .map(Anomaly::explanation).orElse("");
        return Optional.of("Elle: list-append history is not strict-serializable: anomalies "
            + elle.anomalyTypeNames() + "; " + abbreviate(first.replaceAll("\\s+", " ")));
      }
      case UNKNOWN -> notes.add("Elle could not decide: " + elle.anomalyTypeNames());
      case TRUE -> { }
    }
    LinearResult lin = LinearChecker.check(new IndependentModel<>(CasRegister.casRegister(null)),
        History.indexed(registers), Duration.ofSeconds(20));
    return switch (lin) {
      case LinearResult.Invalid bad -> Optional.of("linearizability: register " + bad.partitionKey()
          + " is not linearizable: " + abbreviate(bad.explanation()));
      case LinearResult.Unknown u -> {
        notes.add("linearizability unknown: " + u.reason());
        yield Optional.empty();
      }
      case LinearResult.Valid v -> Optional.empty();
    };
  }

  /** Long read values make explanations unreadable on one line; the files hold everything. */
  private static String abbreviate(String s) {
    return s.length() <= 600 ? s : s.substring(0, 600) + " ... (history.edn has the whole history)";
  }
}
