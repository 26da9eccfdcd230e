package io.refraft.verification.linear;

import io.refraft.verification.history.Keyword;
import io.refraft.verification.history.OpPair;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** A set with {@code :add x} and {@code :read} returning every element (a set or list). */
public record SetModel() implements Model<Set<Object>> {
  private static final Keyword ADD = Keyword.of("add");
  private static final Keyword READ = Keyword.of("read");

  @Override
  public String name() {
    return "set";
  }

  @Override
  public Set<Object> init() {
    return Set.of();
  }

  @Override
  public Operation operation(OpPair pair) {
    Keyword f = pair.f();
    if (!f.equals(ADD) && !f.equals(READ)) {
      throw new UnsupportedOperationInHistory(name(), pair.invoke(), ":add or :read");
    }
    Operation op = Operation.of(pair);
    if (op == null || (f.equals(READ) && !op.outputKnown())) {
      return null;
    }
    if (f.equals(READ) && !(op.output() instanceof Collection<?>)) {
      throw new UnsupportedOperationInHistory(name(), pair.completion(), "a read returning a set or list");
    }
    return op;
  }

  @Override
  public boolean preservesState(Operation op) {
    return op.outputKnown() && op.f().equals(READ);
  }

  @Override
  public Set<Object> step(Set<Object> state, Operation op) {
    if (op.f().equals(READ)) {
      Collection<?> seen = (Collection<?>) op.output();
      return seen.size() >= state.size() && state.equals(new HashSet<>(seen)) ? state : null;
    }
    if (state.contains(op.input())) {
      return state;
    }
    Set<Object> next = new HashSet<>(state);
    next.add(op.input());
    return java.util.Collections.unmodifiableSet(next);
  }
}
