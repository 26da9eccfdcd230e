/**
 * Planted bugs: deliberately broken variants of the node that prove the verification tools can
 * fail ({@code refraft node|test|simulate --inject-bug NAME}). Test instruments, never reachable by
 * default: a node runs with {@code Decorators.NONE}, and only a composition root given a bug's
 * name builds one.
 *
 * <p>Each bug ({@link io.refraft.impl.planted.InjectedBug}) is a set of wrappers around the
 * node's ordinary collaborators, applied by the composition root through
 * {@link io.refraft.impl.server.Decorators} the way {@code spec.explore.Mutant} wraps the spec's
 * step: the protocol step and the trace sink ({@code vote-twice}), the driver's proposals and the
 * KV service's answers ({@code ack-before-commit}), the driver's reads and the HTTP handler
 * ({@code stale-read}), the storage ({@code skip-fsync}, {@code lose-synced-tail}) and the state machine
 * ({@code no-session}). So the production classes carry no bug flags and no bug branches.
 *
 * <p>The composition roots are the only classes outside this package that may depend on it: the
 * command line ({@code refraft node}, {@code simulate} and {@code test} parse the names; the node
 * command hands the wrappers to {@code NodeServer}), the simulator's {@code Simulation} and its
 * report of a run's options, {@code SimResult} ({@code verification/cli}'s ArchitectureTest
 * enforces it). Lives in impl because {@code refraft node --inject-bug} runs on the node's class
 * path, without the verification jars.
 */
package io.refraft.impl.planted;
