/**
 * Deterministic simulation of a cluster of real {@code impl.node.Driver}s in one thread (FoundationDB
 * style, Zhou et al., "FoundationDB: A Distributed Unbundled Transactional Key Value Store", SIGMOD
 * 2021 §4): virtual time, a simulated network and in-memory disks with crash semantics (the only
 * files: the snapshot files a leader ships, in a temporary folder per run), all randomness from one
 * seed, so a failing seed replays exactly. Nodes snapshot and compact on a schedule. Each node runs the real KV state
 * machine; Jepsen-style clients record a history; a nemesis injects faults on an explicit schedule,
 * which a failure shrinks. The spec's invariants are checked after every turn; at the end the history
 * (Elle, linearizability) and the nodes' traces (against the spec).
 *
 * <p>May depend on {@code io.refraft.impl} (the node, its KV service and storage), {@code io.refraft.spec},
 * {@code io.refraft.traces}, the checker packages ({@code verification.trace}, {@code .history},
 * {@code .elle}, {@code .linear}) and the fault vocabulary it shares with the harness
 * ({@code verification.fault}); neither the checker packages nor the harness may depend on this one.
 */
package io.refraft.verification.sim;
