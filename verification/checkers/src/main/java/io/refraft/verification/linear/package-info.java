/**
 * Linearizability checking of histories against sequential models, after Wing &amp; Gong (1993)
 * with the memoization of Lowe, "Testing for linearizability" (2017): a depth-first search over
 * linearization orders that caches each (set of linearized ops, model state) it has already
 * explored, with Lowe's just-in-time order (the op that is due first) and exact reductions for
 * reads and crashed ops (see {@code WglSearch}). Histories are first split by the model's partition function (P-compositionality, as
 * described in Porcupine's documentation: a history is linearizable iff each independent
 * sub-history is).
 *
 * <p>Depends only on {@code io.refraft.verification.history} and the JDK: never on {@code impl},
 * the CLI or the other checkers.
 */
package io.refraft.verification.linear;
