package io.refraft.verification.linear;

import io.refraft.verification.history.History;
import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.OpPair;
import java.util.List;
import java.util.Map;

/**
 * Porcupine's key-value model: {@code :get}, {@code :put} and {@code :append} on string values,
 * a missing key reading as {@code ""}. Op values are {@code [key value]} tuples; the history is
 * partitioned per key, so each partition's state is one string.
 */
public record KvModel() implements Model<String> {
  private static final Keyword GET = Keyword.of("get");
  private static final Keyword PUT = Keyword.of("put");
  private static final Keyword APPEND = Keyword.of("append");

  @Override
  public String name() {
    return "kv";
  }

  @Override
  public String init() {
    return "";
  }

  @Override
  public Map<Object, History> partition(History history) {
    for (OpPair p : history.clientOps().pairs()) {
      if (!(p.invoke().value() instanceof List<?> t) || t.size() != 2) {
        throw new UnsupportedOperationInHistory(name(), p.invoke(), "a [key value] tuple (read with --format porcupine-kv)");
      }
    }
    return history.clientOps().splitIndependent();
  }

  @Override
  public Operation operation(OpPair pair) {
    Keyword f = pair.f();
    if (!f.equals(GET) && !f.equals(PUT) && !f.equals(APPEND)) {
      throw new UnsupportedOperationInHistory(name(), pair.invoke(), ":get, :put or :append");
    }
    Operation op = Operation.of(pair);
    if (op == null || (f.equals(GET) && !op.outputKnown())) {
      return null;
    }
    Object v = f.equals(GET) ? op.output() : op.input();
    if (!(v instanceof String)) {
      throw new UnsupportedOperationInHistory(name(), f.equals(GET) ? pair.completion() : pair.invoke(), "string values");
    }
    return op;
  }

  @Override
  public boolean preservesState(Operation op) {
    return op.outputKnown() && op.f().equals(GET);
  }

  @Override
  public String step(String state, Operation op) {
    Keyword f = op.f();
    if (f.equals(GET)) {
      return state.equals(op.output()) ? state : null;
    }
    if (f.equals(PUT)) {
      return (String) op.input();
    }
    return state.concat((String) op.input());
  }

  @Override
  public String describe(String state) {
    return io.refraft.verification.history.Edn.print(state);
  }
}
