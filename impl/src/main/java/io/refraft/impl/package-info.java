/**
 * The real node: a single-threaded driver around {@code Raft.step}, with clock, randomness,
 * transport, storage, state machine and trace sink injected.
 *
 * <p>Takes no protocol decision of its own. Never depends on {@code verification}.
 */
package io.refraft.impl;
