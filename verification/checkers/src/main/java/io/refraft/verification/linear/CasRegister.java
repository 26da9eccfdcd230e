package io.refraft.verification.linear;

import io.refraft.verification.history.HistoryBuilder;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import io.refraft.verification.history.OpPair;
import java.util.List;
import java.util.Objects;

/**
 * A single register with {@code :read}, {@code :write} and (unless plain) {@code :cas [from to]},
 * as in Knossos' {@code cas-register} and Porcupine's etcd model.
 *
 * @param initial   the value before any write; null means absent (etcd's missing key)
 * @param nilReads  what a read that returned nil means
 * @param failedCas what a {@code :fail} cas means
 * @param casAllowed false for the plain {@code register} model (read/write only)
 */
public record CasRegister(Object initial, NilReads nilReads, FailedCas failedCas, boolean casAllowed)
    implements Model<CasRegister.Value> {

  /** The register's content; a record so that a nil content is still a non-null state. */
  public record Value(Object v) {}

  /** Readings of a read that returned nil. */
  public enum NilReads {
    /** The register was absent (never written): legal only while the state is nil (Porcupine's etcd data). */
    ABSENT,
    /** Nil means the client does not know what it read (Knossos' convention): legal in every state. */
    UNKNOWN
  }

  /** Readings of a {@code :fail} cas. */
  public enum FailedCas {
    /** It did not happen (Knossos, Jepsen's general meaning of {@code :fail}). */
    NO_EFFECT,
    /** The compare failed: it happened, left the state unchanged and saw a value other than {@code from} (Porcupine's etcd data). */
    COMPARE_FAILED
  }

  private static final Keyword READ = Keyword.of("read");
  private static final Keyword WRITE = Keyword.of("write");
  private static final Keyword CAS = Keyword.of("cas");

  public CasRegister {
    initial = HistoryBuilder.canonical(initial); // register(0) from Java code holds the Long 0 a history reads
    Objects.requireNonNull(nilReads, "nilReads");
    Objects.requireNonNull(failedCas, "failedCas");
  }

  /** Knossos' {@code (cas-register initial)}: nil reads are unknown when the register starts with a value. */
  public static CasRegister casRegister(Object initial) {
    return new CasRegister(initial, initial == null ? NilReads.ABSENT : NilReads.UNKNOWN, FailedCas.NO_EFFECT, true);
  }

  /** Knossos' {@code (register initial)}: read and write only. */
  public static CasRegister register(Object initial) {
    return new CasRegister(initial, initial == null ? NilReads.ABSENT : NilReads.UNKNOWN, FailedCas.NO_EFFECT, false);
  }

  /** Porcupine's reading of the 2014 Jepsen etcd logs: starts absent, a failed cas saw another value. */
  public static CasRegister etcd() {
    return new CasRegister(null, NilReads.ABSENT, FailedCas.COMPARE_FAILED, true);
  }

  public CasRegister withFailedCas(FailedCas f) {
    return new CasRegister(initial, nilReads, f, casAllowed);
  }

  @Override
  public String name() {
    return casAllowed ? "cas-register" : "register";
  }

  @Override
  public Value init() {
    return new Value(initial);
  }

  @Override
  public Operation operation(OpPair pair) {
    Keyword f = pair.f();
    if (!f.equals(READ) && !f.equals(WRITE) && !(casAllowed && f.equals(CAS))) {
      throw new UnsupportedOperationInHistory(name(), pair.invoke(), casAllowed ? ":read, :write or :cas" : ":read or :write");
    }
    if (f.equals(CAS)) {
      casArgs(pair.invoke());
    }
    if (pair.outcome() == Op.Type.FAIL && f.equals(CAS) && failedCas == FailedCas.COMPARE_FAILED) {
      return new Operation(pair, f, pair.invoke().value(), Boolean.FALSE, Op.Type.FAIL);
    }
    Operation op = Operation.of(pair);
    // A read that may or may not have happened, with an unknown result, constrains nothing.
    if (op == null || (f.equals(READ) && !op.outputKnown())) {
      return null;
    }
    if (f.equals(READ) && op.output() == null && nilReads == NilReads.UNKNOWN) {
      return null;
    }
    return op;
  }

  @Override
  public Value step(Value state, Operation op) {
    Keyword f = op.f();
    if (f.equals(READ)) {
      return Objects.equals(state.v(), op.output()) ? state : null;
    }
    if (f.equals(WRITE)) {
      return Objects.equals(state.v(), op.input()) ? state : new Value(op.input());
    }
    List<?> args = (List<?>) op.input();
    boolean matches = Objects.equals(state.v(), args.get(0));
    if (op.outcome() == Op.Type.FAIL) {
      return matches ? null : state;
    }
    return matches ? new Value(args.get(1)) : null;
  }

  /** A read, and a failed cas in the compare-failed reading: legal only where they change nothing. */
  @Override
  public boolean preservesState(Operation op) {
    return op.outputKnown() && (op.f().equals(READ) || op.outcome() == Op.Type.FAIL);
  }

  private void casArgs(Op invoke) {
    if (!(invoke.value() instanceof List<?> l) || l.size() != 2) {
      throw new UnsupportedOperationInHistory(name(), invoke, "a cas value [from to]");
    }
  }

  @Override
  public String describe(Value state) {
    return io.refraft.verification.history.Edn.print(state.v());
  }
}
