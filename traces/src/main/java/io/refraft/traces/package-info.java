/**
 * The refraft trace format (traces/FORMAT.md): records for header and steps, an NDJSON reader with
 * line-numbered errors, a writer, schema validation, and {@link io.refraft.traces.TraceRecorder},
 * the one place that turns a step of the spec into a trace step (the node's and the simulator's
 * trace sinks call it).
 *
 * <p>Depends on {@code spec} and Jackson only; never on {@code impl} or {@code verification}.
 */
package io.refraft.traces;
