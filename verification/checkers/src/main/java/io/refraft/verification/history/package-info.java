/**
 * The Jepsen operation model: histories as plain data ({@link io.refraft.verification.history.Op}),
 * their readers (Jepsen EDN, the old Jepsen text log, Porcupine's kv format, our JSONL) and
 * writers.
 *
 * <p>Must not depend on {@code io.refraft.impl}, on any other {@code verification} package, or on
 * the spec: another implementation's history is checked with exactly this code.
 */
package io.refraft.verification.history;
