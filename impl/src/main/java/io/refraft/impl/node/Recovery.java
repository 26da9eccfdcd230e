package io.refraft.impl.node;

import io.refraft.impl.codec.EntryCodec;
import io.refraft.impl.codec.MalformedMessageException;
import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.SnapshotMeta;
import io.refraft.spec.DurableState;
import io.refraft.spec.Entry;
import io.refraft.spec.Log;
import io.refraft.spec.NodeId;
import io.refraft.spec.Snapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What storage recovered, as the spec's {@link DurableState}; the state machine restored from the snapshot. */
final class Recovery {
  private Recovery() {}

  /**
   * The durable state {@code r} holds (term, vote, the snapshot and the entries after it), after
   * restoring the state machine from the snapshot, if any.
   *
   * @throws IOException naming what does not fit (an entry that does not decode, a log that does not
   *     start right after the snapshot, a snapshot the state machine refuses)
   */
  static DurableState durableState(Recovered r, TurnOutputs outputs) throws IOException {
    Snapshot snap = Snapshot.NONE;
    if (r.snapshot().isPresent()) {
      SnapshotMeta m = r.snapshot().get().meta();
      try {
        snap = new Snapshot(m.index(), m.term(), m.digest());
      } catch (IllegalArgumentException e) {
        throw new IOException("the snapshot in " + r.snapshot().get().file().orElse(null) + " is invalid: "
            + e.getMessage(), e);
      }
      // §7: the state machine restarts from the snapshot, then replays only the committed entries after it
      outputs.restoreRecovered(snap.index(), r.snapshot().get().body());
    }
    List<Entry> entries = new ArrayList<>(r.records().size());
    long expected = snap.index() + 1;
    for (LogRecord rec : r.records()) {
      if (rec.index() != expected) {
        throw new IOException("the log starts at index " + r.firstIndex() + " but " + (snap.index() == 0
            ? "there is no snapshot of the entries before it" : "the snapshot ends at index " + snap.index()));
      }
      expected++;
      try {
        entries.add(EntryCodec.fromRecord(rec));
      } catch (MalformedMessageException e) {
        throw new IOException("log entry " + rec.index() + " cannot be decoded: " + e.getMessage(), e);
      }
    }
    Meta m = r.meta();
    DurableState durable;
    try {
      durable = new DurableState(m.term(), Optional.ofNullable(m.votedFor()).map(NodeId::of), Log.restored(snap, entries));
    } catch (IllegalArgumentException e) {
      throw new IOException("the recovered state is inconsistent: " + e.getMessage(), e);
    }
    return durable;
  }
}
