/**
 * A Java port of Elle (Kingsbury &amp; Alvaro, "Elle: Inferring Isolation Anomalies from
 * Experimental Observations", VLDB 2020): infers a transaction dependency graph from a Jepsen
 * history of list-append or rw-register transactions, finds cycles and classifies them with
 * Adya's anomalies, and maps the anomalies onto Elle's lattice of consistency models.
 *
 * <p>Entry point: {@link io.refraft.verification.elle.Elle}. Written from Elle's paper and
 * documentation, not from its source.
 *
 * <p>Depends only on {@code io.refraft.verification.history} and {@code java.*}, so it could be
 * published alone (ArchitectureTest enforces it).
 */
package io.refraft.verification.elle;
