/**
 * Deterministic simulation of a cluster of real {@code impl.node.Driver}s in one thread (FoundationDB
 * style, Zhou et al., "FoundationDB: A Distributed Unbundled Transactional Key Value Store", SIGMOD
 * 2021 §4): virtual time, a simulated network and in-memory disks with crash semantics, all
 * randomness from one seed, so a failing seed replays exactly. The spec's invariants are checked
 * after every turn and the nodes' traces are validated against the spec at the end.
 *
 * <p>May depend on {@code io.refraft.impl}, {@code io.refraft.spec}, {@code io.refraft.traces} and
 * {@code io.refraft.verification.trace}; the checker packages must never depend on this one.
 */
package io.refraft.verification.sim;
