package io.refraft.impl.kv;

import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Client sessions (thesis §6.3): per client its last sequence number and the result it got, so a
 * retried request is answered from here instead of being applied twice.
 *
 * <p><b>Expiry rule</b> (deterministic: a function of the log alone). The state machine's clock
 * is the largest {@link Command#time} applied so far. Before a command is applied, every session
 * whose last activity is more than {@code ttlMillis} before the clock expires. When a new session
 * would exceed {@code maxSessions}, the least recently active one expires (ties: the smaller id).
 * A session is active when it is opened and whenever one of its requests is applied or answered
 * from the cache.
 *
 * <p>Confined to the thread that applies the log; iteration is in key order (TreeMap/TreeSet).
 */
final class Sessions {
  /** One client's session. */
  record Session(long clientId, long lastSeq, Result lastResult, long lastActive) {
    Session {
      Objects.requireNonNull(lastResult, "lastResult");
    }
  }

  private record ByActivity(long lastActive, long clientId) implements Comparable<ByActivity> {
    @Override
    public int compareTo(ByActivity o) {
      int c = Long.compare(lastActive, o.lastActive);
      return c != 0 ? c : Long.compare(clientId, o.clientId);
    }
  }

  private final long ttlMillis;
  private final int maxSessions;
  private final TreeMap<Long, Session> byId = new TreeMap<>();
  private final NavigableSet<ByActivity> byActivity = new TreeSet<>();

  Sessions(long ttlMillis, int maxSessions) {
    if (ttlMillis < 1 || maxSessions < 1) {
      throw new IllegalArgumentException("session ttl and maximum must be >= 1, got " + ttlMillis + " and "
          + maxSessions);
    }
    this.ttlMillis = ttlMillis;
    this.maxSessions = maxSessions;
  }

  /** Expires every session idle for more than the ttl at {@code clock}. */
  void expire(long clock) {
    while (!byActivity.isEmpty() && clock - byActivity.first().lastActive() > ttlMillis) {
      remove(byActivity.first().clientId());
    }
  }

  /** Opens session {@code clientId} (a log index, so never reused) at {@code clock}. */
  void open(long clientId, long clock, Result opened) {
    while (byId.size() >= maxSessions) {
      remove(byActivity.first().clientId());
    }
    put(new Session(clientId, 0, opened, clock));
  }

  Optional<Session> get(long clientId) {
    return Optional.ofNullable(byId.get(clientId));
  }

  /** Records that {@code clientId}'s request {@code seq} was answered with {@code result}. */
  void record(long clientId, long seq, Result result, long clock) {
    remove(clientId);
    put(new Session(clientId, seq, result, clock));
  }

  /** Marks {@code clientId} active at {@code clock} without a new request (a retry answered from cache). */
  void touch(long clientId, long clock) {
    Session s = remove(clientId);
    put(new Session(clientId, s.lastSeq(), s.lastResult(), clock));
  }

  /** Replaces every session with {@code restored} (a snapshot's, at most {@link #maxSessions()}). */
  void replaceAll(java.util.Collection<Session> restored) {
    if (restored.size() > maxSessions) {
      throw new IllegalArgumentException(restored.size() + " sessions, more than the maximum " + maxSessions);
    }
    byId.clear();
    byActivity.clear();
    restored.forEach(this::put);
  }

  int maxSessions() {
    return maxSessions;
  }

  /** Every session, by client id. */
  Map<Long, Session> all() {
    return java.util.Collections.unmodifiableMap(byId);
  }

  private void put(Session s) {
    byId.put(s.clientId(), s);
    byActivity.add(new ByActivity(s.lastActive(), s.clientId()));
  }

  private Session remove(long clientId) {
    Session s = byId.remove(clientId);
    if (s != null) {
      byActivity.remove(new ByActivity(s.lastActive(), clientId));
    }
    return s;
  }
}
