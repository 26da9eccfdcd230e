package io.refraft.impl.planted;

import io.refraft.impl.http.Handler;
import io.refraft.impl.http.Request;
import io.refraft.spec.Output;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** The {@code stale-read} bug's wrappers ({@link InjectedBug#STALE_READ}). */
final class StaleRead {
  private StaleRead() {}

  /**
   * A driver's reads that skip ReadIndex: each read completes when the state thread takes it from
   * the mailbox, at the index the node has applied, on any node, whatever its role. That index is
   * the last one {@link #serveUpTo} reported: the driver applies only at the end of a turn and then
   * calls it, so it is the driver's applied index throughout the next turn.
   */
  static final class Reads implements io.refraft.impl.node.Reads {
    private final io.refraft.impl.node.Reads reads;
    private final InjectedBug.Fired fired;
    private long applied;

    Reads(io.refraft.impl.node.Reads reads, InjectedBug.Fired fired) {
      this.reads = reads;
      this.fired = fired;
    }

    @Override
    public void arrived(CompletableFuture<Long> read) {
      fired.once();
      read.complete(applied);
    }

    @Override
    public OptionalLong requestArrived() {
      return reads.requestArrived();
    }

    @Override
    public void ready(Output.ReadReady r) {
      reads.ready(r);
    }

    @Override
    public void rejected(Output.ReadRejected r) {
      reads.rejected(r);
    }

    @Override
    public void serveUpTo(long lastApplied) {
      applied = lastApplied;
      reads.serveUpTo(lastApplied);
    }

    @Override
    public void failAll(Exception cause) {
      reads.failAll(cause);
    }
  }

  /**
   * The HTTP API with every {@code GET /kv/{key}} asked as {@code ?stale=true}: any node answers at
   * once from its local state, without redirecting to the leader or waiting for a read index.
   */
  static Handler gets(Handler handler, InjectedBug.Fired fired) {
    return (req, res) -> {
      boolean get = isKvGet(req);
      if (get) {
        fired.once();
      }
      handler.handle(get ? req.withQuery(stale(req.query())) : req, res);
    };
  }

  private static boolean isKvGet(Request req) {
    return req.method().equals("GET") && req.path().startsWith("/kv/");
  }

  /** {@code query} with {@code stale=true} last, where it wins over an earlier {@code stale}. */
  private static String stale(String query) {
    return query == null || query.isEmpty() ? "stale=true" : query + "&stale=true";
  }
}
