package io.refraft.spec.explore;

import io.refraft.spec.check.Cluster;
import io.refraft.spec.check.Event;
import java.util.Optional;

/**
 * The recovery check's share of the search ({@link Recovery}): logging the fault-free steps the
 * model checker takes, and exploring with faults off the states in the margin beyond the bounds
 * that recovery paths may pass through. Margin states go into the model checker's seen set (so
 * each is explored once) but are not counted among its distinct states.
 *
 * <p>Thread-safe as the model checker is: each worker holds its own {@link Waypoints}.
 */
final class MarginSearch {
  private final RaftModel model;
  private final Bounds bounds;
  private final Fingerprint fingerprint;
  private final StateCodec codec;
  private final FingerprintSet seen;
  private final Recoverability recovery;

  MarginSearch(RaftModel model, Bounds bounds, Fingerprint fingerprint, StateCodec codec, FingerprintSet seen,
      Recoverability recovery) {
    this.model = model;
    this.bounds = bounds;
    this.fingerprint = fingerprint;
    this.codec = codec;
    this.seen = seen;
    this.recovery = recovery;
  }

  /** A worker's logs, queueing the new margin states it meets in {@code target}. */
  Waypoints waypoints(Frontier target) {
    return new Waypoints(recovery.buffer(), target);
  }

  /** One worker: the fault-free steps of the margin states in {@code current}, new ones queued in {@code next}. */
  Void expand(Frontier current, Frontier next) {
    try (Waypoints way = waypoints(next)) {
      Frontier.Claimed claimed;
      while ((claimed = current.poll()) != null) {
        Frontier.Chunk chunk = claimed.chunk();
        Bytes.Reader r = new Bytes.Reader(chunk.data(), 0, chunk.data().length);
        for (int i = 0; i < chunk.count(); i++) {
          long fp = r.fixed64();
          Cluster c = codec.decode(r);
          for (Event e : model.events(c)) {
            if (Recoverability.isFault(e)) {
              continue;
            }
            Optional<Cluster.Step> step = c.next(e, model::step);
            if (step.isPresent()) {
              way.beyond(fp, step.get().next());
            }
          }
        }
      }
    }
    return null;
  }

  /** One worker's logs, and the margin states it queues. */
  final class Waypoints implements AutoCloseable {
    final Recoverability.Buffer log;
    private final Frontier target;
    private final Bytes.Writer out = new Bytes.Writer(16 << 10);
    private int count;

    private Waypoints(Recoverability.Buffer log, Frontier target) {
      this.log = log;
      this.target = target;
    }

    /**
     * Logs the fault-free step from the state {@code from} to {@code succ}, which the bounds do
     * not admit (or, in the margin, which the search has not seen); queues {@code succ} when it is
     * new and within the margin.
     */
    void beyond(long from, Cluster succ) {
      if (!bounds.admits(succ, Recoverability.EXTRA_TERMS, Recoverability.EXTRA_ENTRIES)) {
        return;
      }
      long sfp = fingerprint.of(succ);
      if (seen.add(sfp, from)) {
        log.state(sfp, false, Recoverability.recovered(succ));
        out.fixed64(sfp);
        codec.encode(succ, out);
        if (++count == Frontier.CHUNK_STATES) {
          target.add(new Frontier.Chunk(out.toByteArray(), count));
          out.reset();
          count = 0;
        }
      }
      log.edge(from, sfp);
    }

    @Override
    public void close() {
      if (count > 0) {
        target.add(new Frontier.Chunk(out.toByteArray(), count));
      }
      log.close();
    }
  }
}
