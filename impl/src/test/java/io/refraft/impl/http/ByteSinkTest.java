package io.refraft.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String json(String s) {
    ByteSink out = new ByteSink(1);
    out.jsonString(s);
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void escapesWhatJsonRequiresAndWritesTheRestAsUtf8() {
    assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001\"", json("a\"b\\c\n\t\u0001"));
    assertEquals("\"h€llo 😀 é\"", json("h€llo 😀 é"));
    assertEquals("\"\\ud800x\"", json("\ud800x"), "a lone surrogate has no UTF-8 form");
  }

  /** Random strings over ASCII, controls, 2- and 3-byte characters and surrogate pairs parse back equal. */
  @Test
  void randomStringsRoundTripThroughJackson() throws Exception {
    long seed = new SplittableRandom().nextLong();
    System.out.println("ByteSinkTest.randomStringsRoundTripThroughJackson seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] starts = {0, 0x20, 0x80, 0x800, 0x10000};
    int[] ends = {0x20, 0x80, 0x800, 0xd800, 0x10ffff};
    for (int round = 0; round < 2000; round++) {
      StringBuilder b = new StringBuilder();
      for (int n = rnd.nextInt(20); n > 0; n--) {
        int k = rnd.nextInt(starts.length);
        b.appendCodePoint(starts[k] + rnd.nextInt(ends[k] - starts[k]));
      }
      String s = b.toString();
      assertEquals(s, JSON.readValue(json(s), String.class), "seed " + seed + " round " + round);
    }
  }

  @Test
  void theDateIsAnImfFixdateWithATwoDigitDay() {
    assertEquals("Sat, 07 Nov 2026 09:05:03 GMT", HttpDate.format(1_794_042_303L));
    assertEquals("Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
        new String(HttpDate.headerLine(999), StandardCharsets.US_ASCII));
  }
}
