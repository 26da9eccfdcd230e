/**
 * One node process: {@link io.refraft.impl.server.NodeServer} wires the
 * {@link io.refraft.impl.node.Driver} to a {@code TcpTransport}, a {@code FileStorage}, a state
 * machine and the HTTP/JSON API, served by {@code io.refraft.impl.http.Http1Server}
 * ({@link io.refraft.impl.server.HttpApi}: status, proposals, the
 * partition switch for tests, log reads; {@code KvApi}: the key-value API over {@code KvService},
 * which applies the log to the {@code KvStateMachine}; {@code LeaderRedirect}: the one answer a
 * node that does not lead gives). {@link io.refraft.impl.server.Decorators} is how a composition
 * root wraps a node's collaborators ({@code Decorators.NONE} in production; the planted bugs
 * otherwise, which this package never names).
 *
 * <p>May depend on every other {@code io.refraft.impl} package but {@code impl.planted}; of them
 * only {@code impl.planted} depends on this one (its wrappers implement {@code Decorators}). Must
 * not depend on {@code verification} or the command line, which only parses arguments.
 */
package io.refraft.impl.server;
