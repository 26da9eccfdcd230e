package io.refraft.impl.kv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation on the key-value store, the {@code op} of a {@link Command}. Every operation is one
 * log entry; a {@link Txn} applies all its micro-operations atomically or none of them. (Not a
 * history operation: Jepsen's invoke/ok/fail/info records are {@code verification.history.Op}.)
 */
public sealed interface KvOp
    permits KvOp.Get, KvOp.Put, KvOp.Delete, KvOp.Cas, KvOp.Append, KvOp.Read, KvOp.Txn, KvOp.OpenSession {

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
  record Get(String key) implements KvOp {
    public Get {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Write a register. */
  record Put(String key, String value) implements KvOp {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Remove a key of either kind. */
  record Delete(String key) implements KvOp {
    public Delete {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Compare-and-set a register: {@code from} empty means "the key is absent". */
  record Cas(String key, Optional<String> from, String to) implements KvOp {
    public Cas {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** Append to a list (an absent key is an empty list). */
  record Append(String key, String value) implements KvOp {
    public Append {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Read a list. */
  record Read(String key) implements KvOp {
    public Read {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Micro-operations applied in order, atomically, as one entry (Jepsen's txn workloads). */
  record Txn(List<MicroOp> ops) implements KvOp {
    public Txn {
      ops = List.copyOf(ops);
    }
  }

  /** Open a client session (thesis §6.3); its id is the log index of this entry. */
  record OpenSession() implements KvOp {}
}
