package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.impl.storage.LogRecord;
import io.refraft.impl.storage.Meta;
import io.refraft.impl.storage.Recovered;
import io.refraft.impl.storage.SnapshotMeta;
import io.refraft.impl.storage.StoredSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncedStateTest {

  private static LogRecord rec(long index, long term) {
    return new LogRecord(index, term, new byte[] {(byte) index, (byte) term});
  }

  private static List<LogRecord> log(long to, long term) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = 1; i <= to; i++) {
      out.add(rec(i, term));
    }
    return out;
  }

  /** n1 synced term 2, a vote for n2 and entries 1..3 of term 2; then wrote entry 4 and term 3 without a sync. */
  private static SyncedState syncedThreeWroteFour() {
    SyncedState s = new SyncedState("n1");
    s.recovered(new Recovered(Meta.INITIAL, List.of()));
    s.savedMeta(new Meta(2, "n2"));
    s.appended(log(3, 2));
    s.synced();
    s.appended(List.of(rec(4, 2)));
    s.savedMeta(new Meta(3, null));
    return s;
  }

  @Test
  void when_a_restart_recovers_every_synced_entry_then_it_passes_with_or_without_unsynced_writes() {
    SyncedState lost = syncedThreeWroteFour();
    lost.recovered(new Recovered(new Meta(2, "n2"), log(3, 2)));
    assertEquals(Optional.empty(), lost.violation());
    SyncedState torn = syncedThreeWroteFour(); // a torn sync kept the new meta and the unsynced record
    torn.recovered(new Recovered(new Meta(3, null), log(4, 2)));
    assertEquals(Optional.empty(), torn.violation());
  }

  @Test
  void when_a_restart_recovers_a_log_without_a_synced_entry_then_the_check_names_the_node_and_index() {
    SyncedState s = syncedThreeWroteFour();
    s.recovered(new Recovered(new Meta(2, "n2"), log(2, 2)));
    String v = s.violation().orElseThrow();
    assertTrue(v.startsWith("RecoveredState: n1 "), v);
    assertTrue(v.contains("without the synced entry 3 (term 2)"), v);
  }

  @Test
  void when_a_restart_recovers_another_entry_in_place_of_a_synced_one_then_the_check_fails() {
    SyncedState s = syncedThreeWroteFour();
    List<LogRecord> other = log(2, 2);
    other.add(new LogRecord(3, 2, new byte[] {42}));
    s.recovered(new Recovered(new Meta(2, "n2"), other));
    assertTrue(s.violation().orElseThrow().contains("at index 3"), s.violation().toString());
  }

  @Test
  void when_a_restart_recovers_an_older_term_or_another_vote_then_the_check_fails() {
    SyncedState older = syncedThreeWroteFour();
    older.recovered(new Recovered(new Meta(1, null), log(3, 2)));
    assertTrue(older.violation().orElseThrow().contains("recovered term 1, but term 2 was synced"),
        older.violation().toString());
    SyncedState noVote = syncedThreeWroteFour();
    noVote.recovered(new Recovered(new Meta(2, null), log(3, 2)));
    assertTrue(noVote.violation().orElseThrow().contains("for nobody in term 2"), noVote.violation().toString());
  }

  @Test
  void a_synced_entry_may_be_replaced_only_by_a_truncation_or_overwrite_that_returned() {
    SyncedState s = syncedThreeWroteFour(); // entry 4 and term 3 become durable with the truncation
    s.truncated(3);
    s.appended(List.of(rec(3, 3)));
    s.synced();
    s.recovered(new Recovered(new Meta(3, null), List.of(rec(1, 2), rec(2, 2), rec(3, 3))));
    assertEquals(Optional.empty(), s.violation());
    // the truncation made entry 4 durable before it cut from 3: the log 1..2 of the next restart lacks entry 3
    s.recovered(new Recovered(new Meta(3, null), log(2, 2)));
    assertTrue(s.violation().orElseThrow().contains("without the synced entry 3 (term 3)"), s.violation().toString());
  }

  @Test
  void the_first_failure_is_kept() {
    SyncedState s = syncedThreeWroteFour();
    s.recovered(new Recovered(new Meta(2, "n2"), log(1, 2)));
    String first = s.violation().orElseThrow();
    s.recovered(new Recovered(new Meta(0, null), List.of()));
    assertEquals(first, s.violation().orElseThrow());
  }

  private static Recovered withSnapshot(Meta meta, long index, long term, List<LogRecord> after) {
    return new Recovered(meta, Optional.of(new StoredSnapshot(new SnapshotMeta(index, term, 7), new byte[0],
        Optional.empty())), after);
  }

  @Test
  void a_snapshot_save_makes_the_writes_before_it_durable_and_compacts_the_entries_it_covers() {
    SyncedState s = syncedThreeWroteFour(); // entry 4 and term 3 become durable with the save
    s.savedSnapshot(new SnapshotMeta(2, 2, 7));
    s.recovered(withSnapshot(new Meta(3, null), 2, 2, List.of(rec(3, 2), rec(4, 2))));
    assertEquals(Optional.empty(), s.violation());
    SyncedState lacking = syncedThreeWroteFour();
    lacking.savedSnapshot(new SnapshotMeta(2, 2, 7));
    lacking.recovered(withSnapshot(new Meta(3, null), 2, 2, List.of(rec(3, 2))));
    assertTrue(lacking.violation().orElseThrow().contains("without the synced entry 4 (term 2)"),
        lacking.violation().toString());
  }

  @Test
  void a_restart_that_recovers_an_older_snapshot_or_none_fails_the_check() {
    SyncedState s = syncedThreeWroteFour();
    s.savedSnapshot(new SnapshotMeta(3, 2, 7));
    s.recovered(new Recovered(new Meta(3, null), log(4, 2)));
    assertTrue(s.violation().orElseThrow().contains("recovered no snapshot, but the snapshot at 3 was saved"),
        s.violation().toString());
  }

  @Test
  void a_snapshot_the_log_does_not_continue_replaces_the_whole_log() {
    SyncedState s = syncedThreeWroteFour();
    s.savedSnapshot(new SnapshotMeta(5, 3, 7)); // a leader's snapshot: entries 1..4 of term 2 are gone
    s.recovered(withSnapshot(new Meta(3, null), 5, 3, List.of()));
    assertEquals(Optional.empty(), s.violation());
  }
}
