package io.refraft.impl.planted;

import io.refraft.impl.storage.ForwardingStorage;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.Storage;
import java.io.IOException;

/**
 * The {@code lose-synced-tail} bug ({@link InjectedBug#LOSE_SYNCED_TAIL}): a storage whose
 * {@link #load()} drops the last record it recovered, as a recovery that cut a whole record it
 * should have kept would (a torn-tail check off by one record). What {@code load()} recovers after a
 * crash was synced (at most a prefix of the records of the one sync the crash tore was not), so the
 * node restarts without an entry it may have acknowledged: a log-only loss, with term and vote intact.
 * The wrapped storage is truncated to match, so later appends continue the shortened log.
 */
final class LoseSyncedTail extends ForwardingStorage {
  private final InjectedBug.Fired fired;

  LoseSyncedTail(Storage storage, InjectedBug.Fired fired) {
    super(storage);
    this.fired = fired;
  }

  /** Fires once per load that dropped a record (a first start has none to drop). */
  @Override
  public Recovered load() throws IOException {
    Recovered r = storage.load();
    if (r.records().isEmpty()) {
      return r;
    }
    storage.truncateFrom(r.lastIndex());
    fired.once();
    return new Recovered(r.meta(), r.snapshot(), r.records().subList(0, r.records().size() - 1));
  }
}
