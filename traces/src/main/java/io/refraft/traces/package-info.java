/**
 * The refraft trace format (traces/FORMAT.md): records for header and steps, an NDJSON reader with
 * line-numbered errors, a writer, and schema validation.
 *
 * <p>Depends on {@code spec} and Jackson only; never on {@code impl} or {@code verification}.
 */
package io.refraft.traces;
