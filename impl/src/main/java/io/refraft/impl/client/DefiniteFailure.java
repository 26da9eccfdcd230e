package io.refraft.impl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The operation did not take effect (Jepsen {@code :fail}): refused as malformed (400), too large
 * (413), a cas mismatch or aborted transaction (409), or no node accepted it before the deadline.
 *
 * <p>{@code status} is the HTTP status, 0 when no node answered; {@code body} its JSON body.
 */
public final class DefiniteFailure extends RefraftClientException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final transient JsonNode body;

  DefiniteFailure(int status, JsonNode body, String message) {
    super(message, null);
    this.status = status;
    this.body = body == null ? MissingNode.getInstance() : body;
  }

  public int status() {
    return status;
  }

  public JsonNode body() {
    return body;
  }

  /** Whether this is a cas that found another value; see {@link #body()}{@code .get("current")}. */
  public boolean casMismatch() {
    return status == 409 && "cas-failed".equals(body.path("result").path("type").asText());
  }
}
