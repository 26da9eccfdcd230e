package io.refraft.impl.server;

import io.refraft.impl.http.Request;
import io.refraft.impl.http.Response;
import io.refraft.spec.NodeId;
import java.util.Optional;

/**
 * The one answer every endpoint gives a client whose request reached a node that does not lead
 * ({@link KvApi}, {@link HttpApi}'s {@code /propose}): 307 to the same path and query on the
 * leader when its HTTP base URL is known ({@link NodeSettings#peerClients()}), otherwise 503 with
 * {@code Retry-After: 1}. A redirect rather than a proxied request: the client learns the leader
 * and talks to it directly, and a proxied request that timed out would add a second hop whose
 * outcome is unknown.
 *
 * @param status  307 or 503
 * @param message why, for the body's {@code error} field
 */
record LeaderRedirect(int status, String message) {

  /**
   * Sets the response's {@code Location} (307) or {@code Retry-After} (503) header for a request
   * that {@code leader} should have had, and says what to answer with.
   */
  static LeaderRedirect answer(Request req, Response res, NodeServer node, Optional<NodeId> leader) {
    Optional<String> url = leader.map(node::clientUrlOf);
    if (url.isPresent()) {
      res.header("Location", url.get() + req.path() + (req.query() == null ? "" : "?" + req.query()));
      return new LeaderRedirect(307, "not the leader; " + leader.orElseThrow() + " is");
    }
    res.header("Retry-After", "1");
    return new LeaderRedirect(503, leader.map(l -> "not the leader; " + l + " leads but its URL is not configured")
        .orElse("not the leader; no leader known"));
  }
}
