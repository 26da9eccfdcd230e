package io.refraft.spec.check;

/**
 * Which operator requests the cluster model explores at leaders (thesis chapter 4 and §3.10; not in
 * raft.tla): configuration changes and leadership transfers. The log bound limits how many
 * configuration entries a run appends, the term bound how many transfers succeed.
 *
 * @param single   single-server changes (thesis §4.1): add a voter or a learner, promote a learner,
 *     remove a server
 * @param joint    joint consensus (thesis §4.3): enter a joint configuration that replaces one voter
 *     by another server, and leave a joint configuration explicitly (one that leaves itself, with
 *     auto-leave, too)
 * @param transfer leadership transfer to each voter
 */
public record Reconfig(boolean single, boolean joint, boolean transfer) {
  /** No operator request: the configuration never changes. */
  public static final Reconfig NONE = new Reconfig(false, false, false);

  public boolean any() {
    return single || joint || transfer;
  }
}
