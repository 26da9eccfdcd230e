/**
 * A small HTTP/1.1 server for the node's API (RFC 9110, RFC 9112): {@link io.refraft.impl.http.Http1Server}
 * accepts connections and serves each on one virtual thread with blocking socket I/O;
 * {@link io.refraft.impl.http.RequestReader} parses requests from a reusable buffer (request line,
 * header fields, Content-Length and chunked bodies, {@code Expect: 100-continue}, size limits from
 * {@link io.refraft.impl.http.HttpLimits}); {@link io.refraft.impl.http.Response} writes a response's
 * head and body in one socket write. Persistent connections and pipelining are the HTTP/1.1
 * defaults; HTTPS (TLS 1.3, optional client certificates) with {@link io.refraft.impl.http.HttpTls}; there is no
 * HTTP/2 or server-side compression.
 *
 * <p>It exists because the JDK's {@code com.sun.net.httpserver} spent more CPU per request than the
 * Raft path behind it (BENCHMARKS.md, "The node"). Must not depend on any other
 * {@code io.refraft} package.
 */
package io.refraft.impl.http;
