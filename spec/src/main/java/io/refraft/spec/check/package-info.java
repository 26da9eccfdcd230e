/**
 * Raft's safety invariants as named predicates over the cluster model (nodes, message bag, ghost
 * history), each citing the paper; and the cluster model itself.
 *
 * <p>Pure, like {@code io.refraft.spec}: no I/O, threads, clocks or randomness. Must not depend on
 * {@code spec.explore}.
 */
package io.refraft.spec.check;
