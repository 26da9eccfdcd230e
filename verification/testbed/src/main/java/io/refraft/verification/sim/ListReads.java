package io.refraft.verification.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the elements a list-append read returned (strings, as the KV service stores them) to the
 * history's numbers. A list only grows, and a state machine's lists share their element objects
 * from one version to the next, so a read usually starts with exactly the element objects of the
 * previous read of its key: those keep their numbers and only the rest is parsed. The prefix is
 * compared element by element, by identity, so the result is always the parse of every element.
 */
final class ListReads {
  private record Converted(List<String> elements, Long[] numbers) {}

  /** The last conversion per key. */
  private final Map<Object, Converted> last = new HashMap<>();

  List<Long> numbers(Object key, List<String> elements) {
    Converted prev = last.get(key);
    int reuse = prev == null ? 0 : samePrefix(prev.elements(), elements);
    Long[] out = new Long[elements.size()];
    if (reuse > 0) {
      System.arraycopy(prev.numbers(), 0, out, 0, reuse);
    }
    for (int i = reuse; i < out.length; i++) {
      out[i] = Long.parseLong(elements.get(i));
    }
    last.put(key, new Converted(elements, out));
    return List.of(out);
  }

  /** {@code old.size()} when {@code elements} starts with {@code old}'s very objects, else 0. */
  private static int samePrefix(List<String> old, List<String> elements) {
    if (old.size() > elements.size()) {
      return 0;
    }
    for (int i = 0; i < old.size(); i++) {
      if (old.get(i) != elements.get(i)) {
        return 0;
      }
    }
    return old.size();
  }
}
