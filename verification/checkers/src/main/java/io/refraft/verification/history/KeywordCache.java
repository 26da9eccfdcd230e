package io.refraft.verification.history;

/**
 * The keywords one {@link EdnReader} has met, found by their characters in the text so that a
 * keyword read again (a history repeats {@code :type}, {@code :invoke}, {@code :append} hundreds of
 * thousands of times) costs neither a substring nor a new {@link Keyword}. Open addressing with
 * linear probing, kept at most half full.
 */
final class KeywordCache {
  private Keyword[] table = new Keyword[64];
  private int size;

  /** The cached keyword whose name is {@code text[start, end)}, or null. */
  Keyword get(String text, int start, int end) {
    int len = end - start;
    int mask = table.length - 1;
    for (int i = hash(text, start, end) & mask; ; i = (i + 1) & mask) {
      Keyword k = table[i];
      if (k == null) {
        return null;
      }
      String name = k.name();
      if (name.length() == len && text.regionMatches(start, name, 0, len)) {
        return k;
      }
    }
  }

  /** Caches and returns the keyword named {@code name}, which {@link #get} did not find. */
  Keyword put(String name) {
    if (2 * (size + 1) > table.length) {
      Keyword[] old = table;
      table = new Keyword[old.length * 2];
      for (Keyword k : old) {
        if (k != null) {
          insert(k);
        }
      }
    }
    Keyword k = Keyword.of(name);
    insert(k);
    size++;
    return k;
  }

  private void insert(Keyword k) {
    int mask = table.length - 1;
    int i = hash(k.name(), 0, k.name().length()) & mask;
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = k;
  }

  private static int hash(CharSequence s, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + s.charAt(i);
    }
    return h ^ (h >>> 16);
  }
}
