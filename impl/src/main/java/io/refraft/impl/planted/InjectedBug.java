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
   * read, on any node ({@link StaleRead#gets}).
   */
  STALE_READ {
    @Override
    public Reads reads(Reads reads) {
      return new StaleRead.Reads(reads);
    }

    @Override
    public Handler http(Handler handler) {
      return StaleRead.gets(handler);
    }
  },

  /**
   * Acknowledge a write once appended to the local log, before it is committed (lost acknowledged
   * writes, stale reads): proposals complete when the spec accepts them, and the service answers
   * such an early acknowledgement with a guess from its current state ({@link AckBeforeCommit}).
   */
  ACK_BEFORE_COMMIT {
    @Override
    public Proposals proposals(Proposals proposals) {
      return new AckBeforeCommit.Acks(proposals);
    }

    @Override
    public KvAnswers answers(KvService service) {
      return new AckBeforeCommit.Guesses(service);
    }
  },

  /**
   * Report writes durable without making them so: a crash loses what the node already promised
   * (trace validator, lost writes).
   */
  SKIP_FSYNC {
    @Override
    public Storage storage(Storage storage) {
      return new SkipFsync(storage);
    }
  },

  /** Ignore client sessions: a retried request is applied a second time (Elle duplicate appends). */
  NO_SESSION {
    @Override
    public StateMachine stateMachine(StateMachine service) {
      return new NoSession(service);
    }
  },

  /** Grant a second vote in a term to another candidate (trace validator, ElectionSafety). */
  VOTE_TWICE {
    @Override
    public StepFunction step(StepFunction step) {
      return VoteTwice.step(step);
    }

    @Override
    public TraceSink trace(TraceSink trace) {
      return VoteTwice.trace(trace);
    }
  };

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
   * when empty. Bugs wrap in declaration order (no two of them wrap the same collaborator today).
   */
  public static Decorators all(Set<InjectedBug> bugs) {
    if (bugs.isEmpty()) {
      return Decorators.NONE;
    }
    InjectedBug[] planted = EnumSet.copyOf(bugs).toArray(new InjectedBug[0]);
    return new Decorators() {
      private <T> T wrap(T x, BiFunction<InjectedBug, T, T> by) {
        T wrapped = x;
        for (InjectedBug b : planted) {
          wrapped = by.apply(b, wrapped);
        }
        return wrapped;
      }

      @Override
      public StepFunction step(StepFunction step) {
        return wrap(step, InjectedBug::step);
      }

      @Override
      public TraceSink trace(TraceSink trace) {
        return wrap(trace, InjectedBug::trace);
      }

      @Override
      public Proposals proposals(Proposals proposals) {
        return wrap(proposals, InjectedBug::proposals);
      }

      @Override
      public Reads reads(Reads reads) {
        return wrap(reads, InjectedBug::reads);
      }

      @Override
      public Storage storage(Storage storage) {
        return wrap(storage, InjectedBug::storage);
      }

      @Override
      public StateMachine stateMachine(StateMachine service) {
        return wrap(service, InjectedBug::stateMachine);
      }

      @Override
      public KvAnswers answers(KvService service) {
        KvAnswers answers = service;
        for (InjectedBug b : planted) {
          KvAnswers a = b.answers(service);
          if (a != service) {
            answers = a; // only ack-before-commit wraps it, around the service itself
          }
        }
        return answers;
      }

      @Override
      public Handler http(Handler handler) {
        return wrap(handler, InjectedBug::http);
      }
    };
  }
}
