package io.refraft.traces;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The field names of FORMAT.md, and a guess of the next name a lexer will read: a writer prints
 * its fields in one order, so the next name is mostly the one that came after the same two names
 * before, and the lexer checks the guess by comparing bytes instead of hashing the name and
 * looking it up. One instance per lexer; what follows which names is learned as lines are read.
 */
final class FieldNames {
  /** Returned as these very strings (a switch on them is cheap). */
  private static final String[] NAMES = {"format", "version", "nodes", "node", "config", "preVote", "checkQuorum",
      "leaderNoop", "eagerSend", "maxBatch", "network", "duplicates", "persistence", "source", "implementation",
      "description", "seq", "time", "input", "actions", "state", "persisted", "sent", "reads", "type", "message", "peer",
      "payloads", "requestId", "data", "term", "id", "from", "to", "lastLogIndex", "lastLogTerm", "voteGranted",
      "prevLogIndex", "prevLogTerm", "entries", "leaderCommit", "success", "matchIndex", "conflictIndex", "conflictTerm",
      "round", "vote", "role", "commitIndex", "leader", "hardState", "log", "result", "readIndex",
      "snapshot", "index", "digest", "joining", "confOnApply", "target", "transfer", "voters", "outgoing", "learners",
      "autoLeave", "configuration", "applied", "match", "lastIndex", "lastTerm"};
  static final TokenNames KNOWN = new TokenNames(NAMES);
  private static final byte[][] BYTES = new byte[NAMES.length][];
  private static final Map<String, Integer> INDEX = new HashMap<>();
  /** The index standing for the start of a line, or a name not of the format. */
  private static final int NONE = NAMES.length;

  static {
    for (int k = 0; k < NAMES.length; k++) {
      BYTES[k] = NAMES[k].getBytes(StandardCharsets.US_ASCII);
      INDEX.put(NAMES[k], k);
    }
  }

  /** Per pair of names (row: the one before the last, column: the last), the next name's index plus one; 0: none yet. */
  private final byte[] following = new byte[(NONE + 1) * (NONE + 1)];
  private int previous = NONE;
  private int beforePrevious = NONE;
  private int guess;

  /** A new line starts. */
  void reset() {
    previous = NONE;
    beforePrevious = NONE;
  }

  /** The spelling of the name guessed to come next, or null when there is no guess. */
  byte[] guess() {
    guess = following[beforePrevious * (NONE + 1) + previous] - 1;
    return guess >= 0 ? BYTES[guess] : null;
  }

  /** The guess was right: the name it spelt. */
  String guessed() {
    advance(guess);
    return NAMES[guess];
  }

  /** The name read instead of the guess: a name of {@link #NAMES}, or null for another. */
  void read(String name) {
    int index = name == null ? NONE : INDEX.get(name);
    following[beforePrevious * (NONE + 1) + previous] = (byte) (index == NONE ? 0 : index + 1);
    advance(index);
  }

  private void advance(int index) {
    beforePrevious = previous;
    previous = index;
  }
}
