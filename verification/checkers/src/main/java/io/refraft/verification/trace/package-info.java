/**
 * The trace validator (docs/ARCHITECTURE.md#trace-validator): replays each node's steps of a trace (traces/FORMAT.md) through
 * {@code Raft.step}, compares actions, post-state, persisted state and sent messages, matches every
 * received message to an earlier send, checks the spec's invariants on the reconstructed cluster,
 * and reports the first divergence.
 *
 * <p>Depends on {@code spec} and {@code traces} only; never on {@code impl}, {@code verification.sim},
 * {@code verification.harness} or the CLI: another implementation's trace is checked with exactly
 * the same code as ours.
 */
package io.refraft.verification.trace;
