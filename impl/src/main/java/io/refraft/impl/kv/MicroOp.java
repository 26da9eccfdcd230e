package io.refraft.impl.kv;

import java.util.Objects;
import java.util.Optional;

/**
 * One step of a {@link KvOp.Txn}, named as in Jepsen's histories: {@code ["append",k,v]},
 * {@code ["r",k,null]}, {@code ["w",k,v]}, {@code ["cas",k,from,to]}.
 */
public sealed interface MicroOp permits MicroOp.Append, MicroOp.R, MicroOp.W, MicroOp.Cas {

  String key();

  /** Append {@code value} to the list at {@code key}. */
  record Append(String key, String value) implements MicroOp {
    public Append {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Read {@code key} (a register's value or a list's elements), seeing this transaction's own writes. */
  record R(String key) implements MicroOp {
    public R {
      Objects.requireNonNull(key, "key");
    }
  }

  /** Write the register at {@code key}. */
  record W(String key, String value) implements MicroOp {
    public W {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Compare-and-set the register at {@code key}; a mismatch aborts the whole transaction. */
  record Cas(String key, Optional<String> from, String to) implements MicroOp {
    public Cas {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }
}
