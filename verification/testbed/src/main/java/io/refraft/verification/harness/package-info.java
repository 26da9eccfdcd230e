/**
 * Jepsen-style runs against real node processes ({@code refraft test}): a {@link
 * io.refraft.verification.harness.LocalCluster} of node JVMs on loopback, workload clients over the
 * HTTP API recording a Jepsen history, a seeded nemesis schedule (partitions through the transport's
 * admin switch, kill -9, SIGSTOP pauses, clean restarts), then the checkers (Elle, linearizability,
 * the trace validator, liveness) and a self-contained HTML report.
 *
 * <p>May depend on {@code impl.client} (the nodes are separate processes: planted bugs reach them
 * by name, as {@code --inject-bug} arguments), {@code io.refraft.traces}, the checker packages and
 * the fault vocabulary it shares with the simulator ({@code verification.fault}); must not depend
 * on {@code io.refraft.cli} (the CLI depends on this package), {@code verification.sim} or
 * {@code impl.planted}. The checkers never depend on this package.
 */
package io.refraft.verification.harness;
