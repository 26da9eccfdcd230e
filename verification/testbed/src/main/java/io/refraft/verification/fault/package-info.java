/**
 * The fault vocabulary the deterministic simulator ({@code verification.sim}) and the Jepsen-style
 * harness ({@code verification.harness}) share: the kinds of fault ({@link
 * io.refraft.verification.fault.FaultKind}, each tool injecting the kinds it can) and the shapes of a
 * network partition with the links each cuts ({@link io.refraft.verification.fault.PartitionShape}).
 *
 * <p>Depends on the JDK only; never on {@code sim} or {@code harness}, which both depend on it.
 */
package io.refraft.verification.fault;
