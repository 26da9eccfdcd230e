/**
 * The Raft protocol: immutable records for states, messages, inputs and outputs, and the one
 * pure function {@code Raft.step(state, input)} that the model checker explores and the real node
 * runs.
 *
 * <p>Depends on nothing but {@code java.lang} and {@code java.util} (minus
 * {@code java.util.concurrent}, randomness and clocks): no I/O, no threads, no time, no hash-order
 * iteration. Must not depend on {@code spec.explore}.
 */
package io.refraft.spec;
