/**
 * A Java client of the KV HTTP API ({@link io.refraft.impl.client.RefraftClient}): leader
 * discovery, retries within a client session, and failures classified as definite or
 * indeterminate, as a Jepsen client needs them ({@code :fail} versus {@code :info}).
 *
 * <p>Depends only on the JDK's {@code java.net.http} and Jackson: it talks to a node over HTTP
 * like any other client, never through the node's classes.
 */
package io.refraft.impl.client;
