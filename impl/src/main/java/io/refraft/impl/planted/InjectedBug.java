package io.refraft.impl.planted;

import io.refraft.impl.http.Handler;
import io.refraft.impl.node.Proposals;
import io.refraft.impl.node.Reads;
import io.refraft.impl.node.StateMachine;
import io.refraft.impl.node.StepFunction;
import io.refraft.impl.node.TraceSink;
import io.refraft.impl.server.Decorators;
import io.refraft.impl.server.KvAnswers;
import io.refraft.impl.server.KvService;
import io.refraft.impl.storage.Storage;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Deliberate bugs that prove the verification tools can fail. Every one is off unless a run names
 * it ({@code refraft node|test|simulate --inject-bug NAME}). Each breaks one promise the protocol or
 * the KV service makes, by wrapping the collaborators named with it ({@link Decorators}), and the
 * tool expected to catch it is named with it.
 */
public enum InjectedBug implements Decorators {
  /**
   * Serve reads from the local state machine without ReadIndex: a deposed leader or a follower
   * answers stale values (linearizability, Elle). The driver's reads complete at once at the index
   * it has applied ({@link StaleRead#reads}); the HTTP API answers every GET as a {@code ?stale=true}
   * read, on any node ({@link StaleRead#gets}). Fires once per read so served.
   */
  STALE_READ {
    @Override
    Decorators with(Fired fired) {
      return new Decorators() {
        @Override
        public Reads reads(Reads reads) {
          return new StaleRead.Reads(reads, fired);
        }

        @Override
        public Handler http(Handler handler) {
          return StaleRead.gets(handler, fired);
        }
      };
    }
  },

  /**
   * Acknowledge a write once appended to the local log, before it is committed (lost acknowledged
   * writes, stale reads): proposals complete when the spec accepts them, and the service answers
   * such an early acknowledgement with a guess from its current state ({@link AckBeforeCommit}).
   * Fires once per proposal acknowledged early.
   */
  ACK_BEFORE_COMMIT {
    @Override
    Decorators with(Fired fired) {
      return new Decorators() {
        @Override
        public Proposals proposals(Proposals proposals) {
          return new AckBeforeCommit.Acks(proposals, fired);
        }

        @Override
        public KvAnswers answers(KvService service) {
          return new AckBeforeCommit.Guesses(service);
        }
      };
    }
  },

  /**
   * Report writes durable without making them so: a crash loses what the node already promised
   * (trace validator, lost writes). Fires once per sync skipped.
   */
  SKIP_FSYNC {
    @Override
    Decorators with(Fired fired) {
      return new Decorators() {
        @Override
        public Storage storage(Storage storage) {
          return new SkipFsync(storage, fired);
        }
      };
    }
  },

  /**
   * Drop the last synced log record on every restart: storage recovers less than it synced, with term
   * and vote intact ({@link LoseSyncedTail}), so an acknowledged entry can vanish from the node that
   * acknowledged it (the simulator's whole-recovered-state check, {@code RecoveredState}). Fires once
   * per restart that dropped a record.
   */
  LOSE_SYNCED_TAIL {
    @Override
    Decorators with(Fired fired) {
      return new Decorators() {
        @Override
        public Storage storage(Storage storage) {
          return new LoseSyncedTail(storage, fired);
        }
      };
    }
  },

  /**
   * Ignore client sessions: a retried request is applied a second time (Elle duplicate appends).
   * Fires once per committed command whose session tag it dropped.
   */
  NO_SESSION {
    @Override
    Decorators with(Fired fired) {
      return new Decorators() {
        @Override
        public StateMachine stateMachine(StateMachine service) {
          return new NoSession(service, fired);
        }
      };
    }
  },

  /**
   * Grant a second vote in a term to another candidate (trace validator, ElectionSafety). Fires
   * once per step taken from a state with the vote forgotten.
   */
  VOTE_TWICE {
    @Override
    Decorators with(Fired fired) {
      return new Decorators() {
        @Override
        public StepFunction step(StepFunction step) {
          return VoteTwice.step(step, fired);
        }

        @Override
        public TraceSink trace(TraceSink trace) {
          return VoteTwice.trace(trace);
        }
      };
    }
  };

  /** What a wrapper calls when its bug changed what the node did, with how many times. */
  @FunctionalInterface
  interface Fired {
    void times(long n);

    default void once() {
      times(1);
    }

    Fired UNCOUNTED = n -> { };
  }

  /** This bug's wrappers, reporting each firing to {@code fired}. */
  abstract Decorators with(Fired fired);

  // Uncounted wrappers, one bug at a time (the planted bugs' unit tests).

  @Override
  public StepFunction step(StepFunction step) {
    return with(Fired.UNCOUNTED).step(step);
  }

  @Override
  public TraceSink trace(TraceSink trace) {
    return with(Fired.UNCOUNTED).trace(trace);
  }

  @Override
  public Proposals proposals(Proposals proposals) {
    return with(Fired.UNCOUNTED).proposals(proposals);
  }

  @Override
  public Reads reads(Reads reads) {
    return with(Fired.UNCOUNTED).reads(reads);
  }

  @Override
  public Storage storage(Storage storage) {
    return with(Fired.UNCOUNTED).storage(storage);
  }

  @Override
  public StateMachine stateMachine(StateMachine service) {
    return with(Fired.UNCOUNTED).stateMachine(service);
  }

  @Override
  public KvAnswers answers(KvService service) {
    return with(Fired.UNCOUNTED).answers(service);
  }

  @Override
  public Handler http(Handler handler) {
    return with(Fired.UNCOUNTED).http(handler);
  }

  /** The name users type: {@code stale-read}, {@code ack-before-commit}, ... */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a user-typed name; the message lists the known ones. */
  public static InjectedBug parse(String flag) {
    for (InjectedBug b : values()) {
      if (b.flag().equals(flag)) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown bug '" + flag + "'; known: " + known());
  }

  /** Parses a comma-separated list (empty or null: no bug). */
  public static Set<InjectedBug> parseList(String flags) {
    Set<InjectedBug> bugs = EnumSet.noneOf(InjectedBug.class);
    if (flags != null && !flags.isBlank()) {
      for (String f : flags.split(",", -1)) {
        bugs.add(parse(f.strip()));
      }
    }
    return bugs;
  }

  /** Every name, comma-separated. */
  public static String known() {
    return Arrays.stream(values()).map(InjectedBug::flag).collect(Collectors.joining(", "));
  }

  /**
   * The wrappers of every bug in {@code bugs}, for a composition root; {@link Decorators#NONE}
   * when empty. Bugs wrap in declaration order (skip-fsync inside lose-synced-tail when both are named).
   */
  public static Decorators all(Set<InjectedBug> bugs) {
    return all(bugs, new Firings());
  }

  /** {@link #all(Set)}, counting each bug's firings in {@code firings}. */
  public static Decorators all(Set<InjectedBug> bugs, Firings firings) {
    if (bugs.isEmpty()) {
      return Decorators.NONE;
    }
    Decorators[] planted = EnumSet.copyOf(bugs).stream().map(b -> b.with(n -> firings.fired(b, n)))
        .toArray(Decorators[]::new);
    return new Decorators() {
      private <T> T wrap(T x, BiFunction<Decorators, T, T> by) {
        T wrapped = x;
        for (Decorators b : planted) {
          wrapped = by.apply(b, wrapped);
        }
        return wrapped;
      }

      @Override
      public StepFunction step(StepFunction step) {
        return wrap(step, Decorators::step);
      }

      @Override
      public TraceSink trace(TraceSink trace) {
        return wrap(trace, Decorators::trace);
      }

      @Override
      public Proposals proposals(Proposals proposals) {
        return wrap(proposals, Decorators::proposals);
      }

      @Override
      public Reads reads(Reads reads) {
        return wrap(reads, Decorators::reads);
      }

      @Override
      public Storage storage(Storage storage) {
        return wrap(storage, Decorators::storage);
      }

      @Override
      public StateMachine stateMachine(StateMachine service) {
        return wrap(service, Decorators::stateMachine);
      }

      @Override
      public KvAnswers answers(KvService service) {
        KvAnswers answers = service;
        for (Decorators b : planted) {
          KvAnswers a = b.answers(service);
          if (a != service) {
            answers = a; // only ack-before-commit wraps it, around the service itself
          }
        }
        return answers;
      }

      @Override
      public Handler http(Handler handler) {
        return wrap(handler, Decorators::http);
      }
    };
  }
}
