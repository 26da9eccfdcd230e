package io.refraft.impl.kv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation on the store. Every operation is one log entry; a {@link Txn} applies all its
 * micro-operations atomically or none of them.
 */
public sealed interface Op
    permits Op.Get, Op.Put, Op.Delete, Op.Cas, Op.Append, Op.Read, Op.Txn, Op.OpenSession {

  /** Whether this operation changes nothing, so it may be served by a ReadIndex read (thesis §6.4). */
  default boolean readOnly() {
    return switch (this) {
      case Get g -> true;
      case Read r -> true;
      case Txn t -> t.ops().stream().allMatch(m -> m instanceof MicroOp.R);
      case Put p -> false;
      case Delete d -> false;
      case Cas c -> false;
      case Append a -> false;
      case OpenSession o -> false;
    };
  }

  /** Read a register. */
  record Get(String key) implements Op {
    public Get {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Write a register. */
  record Put(String key, String value) implements Op {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Remove a key of either kind. */
  record Delete(String key) implements Op {
    public Delete {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Compare-and-set a register: {@code from} empty means "the key is absent". */
  record Cas(String key, Optional<String> from, String to) implements Op {
    public Cas {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** Append to a list (an absent key is an empty list). */
  record Append(String key, String value) implements Op {
    public Append {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Read a list. */
  record Read(String key) implements Op {
    public Read {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Micro-operations applied in order, atomically, as one entry (Jepsen's txn workloads). */
  record Txn(List<MicroOp> ops) implements Op {
    public Txn {
      ops = List.copyOf(ops);
    }
  }

  /** Open a client session (thesis §6.3); its id is the log index of this entry. */
  record OpenSession() implements Op {}
}
