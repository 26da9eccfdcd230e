package io.refraft.traces;

import io.refraft.spec.Message;
import java.util.Objects;

/**
 * A message as a trace shows it: its id and every field (entries included).
 *
 * <p>Invariant: the id's {@code from} and {@code to} are the message's.
 */
public record TracedMessage(MessageId id, Message message) {
  public TracedMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(message, "message");
    if (!id.from().equals(message.from()) || !id.to().equals(message.to())) {
      throw new IllegalArgumentException("message id " + id + " does not match from=" + message.from() + " to="
          + message.to());
    }
  }
}
