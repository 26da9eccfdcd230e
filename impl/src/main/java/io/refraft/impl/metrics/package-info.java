/**
 * The node's metrics in the Prometheus text format ({@code GET /metrics}): a small registry
 * ({@link io.refraft.impl.metrics.MetricsRegistry}: {@link io.refraft.impl.metrics.Counter},
 * {@link io.refraft.impl.metrics.Histogram} with fixed buckets, gauges and counters read when
 * scraped, the text exposition in {@link io.refraft.impl.metrics.TextFormat}), and
 * {@link io.refraft.impl.metrics.NodeMetrics}, the node's families and the wrappers that count: around
 * the storage, the transport, the protocol step and the HTTP handler. What is exported and what each
 * name means: impl/README.md, "Metrics".
 *
 * <p>Counting never takes a lock or blocks the driver's thread: counters are
 * {@code LongAdder}s, and the Raft state is read from what the driver publishes after each turn.
 * Only the composition root ({@code impl.server}) depends on this package; the instrumented parts
 * (node, storage, net, http) do not know it, they expose plain counters it reads. Must not depend on
 * {@code impl.server}, {@code impl.planted} or {@code verification}; uses only the JDK and the parts
 * it measures.
 */
package io.refraft.impl.metrics;
