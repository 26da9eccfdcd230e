package io.refraft.traces;

/**
 * A fixed set of strings looked up by the characters of a token: open addressing on
 * {@link String#hashCode}, which the lexer computes while it scans (ASCII bytes are chars).
 */
final class TokenNames {
  private static final int SLOTS = 256;
  private final String[] names = new String[SLOTS];
  private final char[][] spelling = new char[SLOTS][];
  private final int[] hashes = new int[SLOTS];

  TokenNames(String[] all) {
    for (String n : all) {
      int i = mix(n.hashCode());
      while (names[i] != null && !names[i].equals(n)) {
        i = (i + 1) & (SLOTS - 1);
      }
      names[i] = n;
      spelling[i] = n.toCharArray();
      hashes[i] = n.hashCode();
    }
  }

  private static int mix(int h) {
    return (h ^ (h >>> 7) ^ (h >>> 15)) & (SLOTS - 1);
  }

  /** The name spelt by {@code chars[0, len)} with hash {@code hash}, or null. */
  String find(char[] chars, int len, int hash) {
    for (int i = mix(hash); names[i] != null; i = (i + 1) & (SLOTS - 1)) {
      char[] n = spelling[i];
      if (hashes[i] == hash && n.length == len) {
        int k = 0;
        while (k < len && n[k] == chars[k]) {
          k++;
        }
        if (k == len) {
          return names[i];
        }
      }
    }
    return null;
  }

  /** The name spelt by the ASCII bytes {@code buf[from, to)} with hash {@code hash}, or null. */
  String find(byte[] buf, int from, int to, int hash) {
    int len = to - from;
    for (int i = mix(hash); names[i] != null; i = (i + 1) & (SLOTS - 1)) {
      char[] n = spelling[i];
      if (hashes[i] == hash && n.length == len) {
        int k = 0;
        while (k < len && n[k] == buf[from + k]) {
          k++;
        }
        if (k == len) {
          return names[i];
        }
      }
    }
    return null;
  }
}
