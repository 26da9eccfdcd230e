/**
 * The golden scenario scripts' interpreter: a small command language over the cluster model
 * ({@code spec.check.Cluster}), in the style of etcd-io/raft's data-driven interaction tests.
 * Each command's output is compared with the expected text in the script, or regenerated into it
 * with {@code -Drefraft.rewrite=true}.
 *
 * <p>Test code: may read and write the scripts under {@code src/test/resources/scenarios}; must not
 * depend on {@code spec.explore}, so a scenario exercises only the protocol and its invariants.
 */
package io.refraft.spec.scenario;
