/**
 * The node: {@link io.refraft.impl.node.Driver}, the single thread that owns a server's
 * {@code NodeState}, steps {@code Raft.step} over a mailbox of inputs and executes the outputs
 * (group-committed persistence, then sends, then applies, then client completions), and the
 * interfaces it is given: {@link io.refraft.impl.node.Clock}, {@link io.refraft.impl.node.StateMachine},
 * {@link io.refraft.impl.node.TraceSink}, plus the transport and storage of the sibling packages.
 *
 * <p>Takes no protocol decision: every decision is the spec's. Must not depend on
 * {@code verification} or the command line; must not read the wall clock or sleep (time comes from
 * the injected {@code Clock}, so the deterministic simulator can run this exact code).
 */
package io.refraft.impl.node;
