package io.refraft.verification.linear;

import io.refraft.verification.history.History;
import io.refraft.verification.history.HistoryWriter;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.Op;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded register histories as Jepsen's register workloads make them: every write (and every cas's
 * new value) writes a value never written before, clients crash ({@code :info}) and are replaced
 * by a fresh process, and a crashed op took effect or not. Linearizable by construction (each op
 * takes effect at one instant between its invocation and its completion, or for a crashed op at
 * some instant after its invocation, or never); {@code staleReads} then turns that many reads
 * into reads of an older value, which usually (not always) makes the history non-linearizable.
 *
 * <p>A tool ({@code bin/refraft-tool register-history OPS PROCESSES CRASHED% CAS% SEED OUT.edn|OUT.jsonl
 * [STALE_READS [VALUES]]}) and a fixture of the linearizability tests.
 */
public final class RegisterHistories {
  private static final Keyword READ = Keyword.of("read");
  private static final Keyword WRITE = Keyword.of("write");
  private static final Keyword CAS = Keyword.of("cas");

  /** What to generate: {@code crashed} and {@code cas} are fractions of all ops. */
  public record Spec(int ops, int processes, double crashed, double cas, int staleReads, long seed, int values) {
    /** Unique written values (Jepsen's register generator). */
    public Spec(int ops, int processes, double crashed, double cas, int staleReads, long seed) {
      this(ops, processes, crashed, cas, staleReads, seed, 0);
    }
  }

  private RegisterHistories() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: register-history OPS PROCESSES CRASHED_PERCENT CAS_PERCENT SEED OUT.edn|OUT.jsonl [STALE_READS [VALUES]]");
      System.exit(2);
    }
    Spec spec = new Spec(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Double.parseDouble(args[2]) / 100,
        Double.parseDouble(args[3]) / 100, args.length > 6 ? Integer.parseInt(args[6]) : 0, Long.parseLong(args[4]),
        args.length > 7 ? Integer.parseInt(args[7]) : 0);
    History h = generate(spec);
    try (BufferedWriter w = Files.newBufferedWriter(Path.of(args[5]))) {
      if (args[5].endsWith(".jsonl")) {
        HistoryWriter.writeJsonl(h, w);
      } else {
        HistoryWriter.writeEdn(h, w);
      }
    }
    long info = h.ops().stream().filter(o -> o.type() == Op.Type.INFO).count();
    System.out.printf("%s: %d ops (%d events), %d crashed, seed %d%n", args[5], spec.ops(), h.size(), info, spec.seed());
  }

  /** Per process: the op in flight, or null. */
  private static final class Pending {
    Keyword f;
    Object input;
    Object output;
    boolean applied;
    boolean failed;
    boolean crashes;
  }

  /** Generates {@code spec.ops()} operations; the register starts nil. */
  public static History generate(Spec spec) {
    SplittableRandom rnd = new SplittableRandom(spec.seed());
    List<Op> out = new ArrayList<>(spec.ops() * 2);
    Pending[] pending = new Pending[spec.processes()];
    long[] processId = new long[spec.processes()];
    for (int i = 0; i < processId.length; i++) {
      processId[i] = i;
    }
    Object register = null;
    List<Object> written = new ArrayList<>();
    long nextValue = 1;
    int started = 0;
    int inFlight = 0;
    long time = 0;
    while (started < spec.ops() || inFlight > 0) {
      int p = rnd.nextInt(spec.processes());
      Pending op = pending[p];
      time += 1 + rnd.nextInt(1000);
      if (op == null) {
        if (started == spec.ops()) {
          continue;
        }
        op = new Pending();
        op.crashes = rnd.nextDouble() < spec.crashed();
        double x = rnd.nextDouble();
        if (x < spec.cas()) {
          op.f = CAS;
          Object from = register != null && rnd.nextBoolean() ? register : (Object) (long) rnd.nextInt(spec.values() > 0 ? spec.values() : 1 + (int) nextValue);
          op.input = List.of(from == null ? 0L : from, value(spec, rnd, nextValue++));
        } else if (x < spec.cas() + (1 - spec.cas()) / 2) {
          op.f = WRITE;
          op.input = value(spec, rnd, nextValue++);
        } else {
          op.f = READ;
        }
        pending[p] = op;
        started++;
        inFlight++;
        out.add(new Op(0, Op.Type.INVOKE, processId[p], op.f, op.input, time, null));
      } else if (!op.applied && rnd.nextInt(3) > 0) {
        // Takes effect now (a crashed op may also never take effect: see below).
        op.applied = true;
        if (op.f == READ) {
          op.output = register;
        } else if (op.f == WRITE) {
          register = op.input;
          written.add(register);
        } else {
          List<?> args = (List<?>) op.input;
          if (java.util.Objects.equals(register, args.get(0))) {
            register = args.get(1);
            written.add(register);
          } else {
            op.failed = true;
          }
        }
      } else if (op.crashes) {
        out.add(new Op(0, Op.Type.INFO, processId[p], op.f, op.f == READ ? null : op.input, time, null));
        processId[p] += spec.processes();
        pending[p] = null;
        inFlight--;
      } else if (op.applied) {
        Op.Type type = op.failed ? Op.Type.FAIL : Op.Type.OK;
        out.add(new Op(0, type, processId[p], op.f, op.f == READ ? op.output : op.input, time, null));
        pending[p] = null;
        inFlight--;
      }
    }
    return History.indexed(staleReads(out, spec.staleReads(), rnd));
  }

  /** The next unique value, or with {@code spec.values() > 0} one of that many (Jepsen's cas-register: 5). */
  private static long value(Spec spec, SplittableRandom rnd, long unique) {
    return spec.values() > 0 ? rnd.nextInt(spec.values()) : unique;
  }

  /** Replaces the value of {@code n} ok reads by the value the register held some writes earlier. */
  private static List<Op> staleReads(List<Op> ops, int n, SplittableRandom rnd) {
    List<Op> copy = new ArrayList<>(ops);
    int[] reads = java.util.stream.IntStream.range(0, copy.size()).filter(i -> copy.get(i).type() == Op.Type.OK
        && copy.get(i).f().equals(READ) && copy.get(i).value() != null).toArray();
    if (n == 0 || reads.length == 0) {
      return copy;
    }
    int[] chosen = rnd.ints(0, reads.length).distinct().limit(Math.min(n, reads.length)).toArray();
    for (int c : chosen) {
      int i = reads[c];
      long v = (Long) copy.get(i).value();
      copy.set(i, copy.get(i).withValue(Math.max(1, v - 1 - rnd.nextInt(3))));
    }
    return copy;
  }
}
