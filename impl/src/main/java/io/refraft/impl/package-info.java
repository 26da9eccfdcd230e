/**
 * The real node: a single-threaded driver around {@code Raft.step}, with clock, randomness,
 * transport, storage, state machine and trace sink injected. The planted bugs of
 * {@code --inject-bug} live apart, in {@code io.refraft.impl.planted}, as wrappers of those
 * collaborators; no other impl package depends on them.
 *
 * <p>Takes no protocol decision of its own. Never depends on {@code verification}.
 */
package io.refraft.impl;
