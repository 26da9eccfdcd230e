/**
 * The node: {@link io.refraft.impl.node.Driver}, the single thread that owns a server's
 * {@code NodeState}, steps {@code Raft.step} over a mailbox of inputs and executes the outputs
 * (group-committed persistence, then sends, then applies, then client completions), its parts
 * ({@code Mailbox}, {@code TurnOutputs}, {@code Timers}, {@code StatusSnapshot}, and the client-request
 * bookkeeping {@link io.refraft.impl.node.Proposals} and {@link io.refraft.impl.node.Reads}), and
 * the interfaces it is given: {@link io.refraft.impl.node.Clock},
 * {@link io.refraft.impl.node.StateMachine}, {@link io.refraft.impl.node.TraceSink},
 * {@link io.refraft.impl.node.StepFunction}, plus the transport and storage of the sibling
 * packages. The step function, proposals and reads are injection points only so that the planted
 * bugs ({@code impl.planted}) can wrap them; every node runs {@code Driver.Parts.standard()}.
 *
 * <p>Takes no protocol decision: every decision is the spec's. Must not depend on
 * {@code verification} or the command line; must not read the wall clock or sleep (time comes from
 * the injected {@code Clock}, so the deterministic simulator can run this exact code).
 */
package io.refraft.impl.node;
