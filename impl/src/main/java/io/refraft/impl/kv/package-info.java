/**
 * The replicated key-value service's deterministic part (docs/ARCHITECTURE.md#kv-service): the command
 * model and its versioned JSON encoding with validation ({@link io.refraft.impl.kv.CommandCodec}),
 * and the state machine ({@link io.refraft.impl.kv.KvStateMachine}) with registers, lists,
 * multi-key transactions and client sessions for exactly-once semantics (thesis §6.3).
 *
 * <p>Everything here is a pure function of the log: no clock, no randomness, no hash-order
 * iteration, no I/O. The same log gives byte-identical snapshots on every node. The encoding and
 * the session rule are documented in impl/README.md ("KV service: state machine and sessions").
 *
 * <p>Must not depend on {@code io.refraft.spec}, {@code io.refraft.traces},
 * {@code io.refraft.impl.net}, {@code io.refraft.impl.storage} or {@code io.refraft.verification}:
 * the node plugs it in through its state-machine interface. Uses the JDK and Jackson only.
 */
package io.refraft.impl.kv;
