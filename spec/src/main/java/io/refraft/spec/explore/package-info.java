/**
 * Exploration of the spec: the explicit-state model checker (BFS over fingerprints, symmetry
 * reduction, parallel workers), random deep simulation, and the named mutants the checker must
 * catch.
 *
 * <p>The one spec package allowed threads ({@code java.util.concurrent}) and a seeded PRNG. No
 * I/O: results and counterexamples are returned as data and written by the command line, and the
 * checker's frontier segments and checkpoints go through {@link io.refraft.spec.explore.SpillStore}
 * and {@link io.refraft.spec.explore.Checkpoint.Store}, which the command line backs with files. No
 * other spec package may depend on this one.
 */
package io.refraft.spec.explore;
