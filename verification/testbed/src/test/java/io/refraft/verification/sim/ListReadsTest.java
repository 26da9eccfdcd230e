package io.refraft.verification.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ListReadsTest {

  @Test
  void every_read_converts_to_the_parse_of_each_element_whatever_came_before() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("ListReadsTest seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    ListReads reads = new ListReads();
    List<String> list = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      switch (r.nextInt(4)) {
        case 0 -> list.add(Long.toString(r.nextLong(1_000_000))); // grows, sharing the earlier objects
        case 1 -> { // the same contents in new objects (another node's state machine)
          List<String> copy = new ArrayList<>();
          list.forEach(s -> copy.add(new String(s)));
          list = copy;
        }
        case 2 -> { // an element replaced at the same position: must not be taken for the old one
          if (!list.isEmpty()) {
            list.set(r.nextInt(list.size()), Long.toString(r.nextLong(1_000_000)));
          }
        }
        default -> { // shorter
          if (!list.isEmpty()) {
            list = new ArrayList<>(list.subList(0, r.nextInt(list.size())));
          }
        }
      }
      List<String> read = List.copyOf(list);
      List<Long> expected = read.stream().map(Long::parseLong).toList();
      assertEquals(expected, reads.numbers("k" + r.nextInt(2), read), "seed " + seed + ", read " + i);
    }
  }
}
