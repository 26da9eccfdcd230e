package io.refraft.cli;

import io.refraft.verification.elle.ConsistencyModel;
import io.refraft.verification.elle.Elle;
import io.refraft.verification.elle.ElleOutput;
import io.refraft.verification.elle.ElleResult;
import io.refraft.verification.elle.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code refraft check --workload list-append|rw-register}: the Elle port behind {@link TxnChecker}. */
final class ElleTxnChecker implements TxnChecker {

  @Override
  public Verdict check(Request request) throws IOException {
    Options options = options(request);
    ElleResult r = switch (request.workload()) {
      case "list-append" -> Elle.listAppend(request.history(), options);
      case "rw-register" -> Elle.rwRegister(request.history(), options);
      default -> throw new IllegalArgumentException("not an Elle workload: " + request.workload());
    };
    if (request.outDir() != null && !r.anomalies().isEmpty()) {
      ElleOutput.writeAll(r, request.outDir().resolve(stem(request.file())));
    }
    Validity v = switch (r.valid()) {
      case TRUE -> Validity.VALID;
      case FALSE -> Validity.INVALID;
      case UNKNOWN -> Validity.UNKNOWN;
    };
    return new Verdict(v, r.anomalyTypeNames(), r.notNames(), explanation(r, options));
  }

  private static Options options(Request request) {
    List<ConsistencyModel> models = new ArrayList<>();
    if (request.model() == null || request.model().isBlank()) {
      models.add(ConsistencyModel.STRICT_SERIALIZABLE);
    } else {
      for (String name : request.model().split(",")) {
        try {
          models.add(ConsistencyModel.parse(name.strip()));
        } catch (IllegalArgumentException e) {
          throw new UserError("--model: " + e.getMessage());
        }
      }
    }
    // Elle's per-component cycle search budget is 1 s; a shorter file limit caps it.
    Duration budget = request.timeout().isZero() || request.timeout().compareTo(Options.DEFAULT_CYCLE_SEARCH_TIMEOUT) > 0
        ? Options.DEFAULT_CYCLE_SEARCH_TIMEOUT : request.timeout();
    return new Options(models, budget);
  }

  private static String explanation(ElleResult r, Options options) {
    String models = options.models().stream().map(ConsistencyModel::elleName).toList().toString();
    return switch (r.valid()) {
      case TRUE -> r.transactions() + " transactions consistent with " + models;
      case FALSE -> "anomalies " + r.anomalyTypeNames() + " rule out " + models + "; not " + r.notNames();
      case UNKNOWN -> "could not decide " + models + ": " + r.anomalyTypeNames();
    };
  }

  private static String stem(String file) {
    Path name = Path.of(file).getFileName();
    String s = name == null ? "history" : name.toString();
    int dot = s.lastIndexOf('.');
    return dot > 0 ? s.substring(0, dot) : s;
  }
}
