package io.refraft.spec.check;

/**
 * Which faults the cluster model may take, each switchable (raft.tla's Next has all three).
 *
 * @param drop      a message in flight may be lost
 * @param duplicate a message in flight may be delivered more than once
 * @param restart   a server may crash and recover from its durable state
 */
public record Faults(boolean drop, boolean duplicate, boolean restart) {
  public static final Faults ALL = new Faults(true, true, true);
  public static final Faults NONE = new Faults(false, false, false);
}
