package io.refraft.impl.node;

import java.io.Serial;

/**
 * A proposal's outcome is unknown to this node or it will never commit here: its entry was
 * replaced by another leader's, the node stopped, or its storage failed. The command may still have
 * been committed elsewhere (the entry may survive in a new leader's log), so a client must treat it
 * as indeterminate (Jepsen's {@code :info}), not as failed.
 */
public final class ProposalLostException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  public ProposalLostException(String message) {
    super(message);
  }
}
