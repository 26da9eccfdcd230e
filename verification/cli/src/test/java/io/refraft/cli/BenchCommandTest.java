package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code refraft bench} refuses bad options with exit 2 and a message naming the option, before any load. */
class BenchCommandTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--mix|put-all|--mix",
      "--api|zookeeper|--api",
      "--clients|0|--clients",
      "--clients|many|--clients",
      "--duration|0|--duration",
      "--warmup|-1|--warmup",
      "--value-size|0|--value-size",
      "--keys|0|--keys",
      "--endpoints|localhost:7001|--endpoints"})
  void a_bad_option_exits_2_naming_it(String option, String value, String named) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = option.equals("--endpoints")
        ? new String[] {"bench", "--endpoints", value}
        : new String[] {"bench", "--endpoints", "http://127.0.0.1:9", option, value};
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains(named), "the message names " + named + ": " + err);
    assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
    assertEquals("", out.toString());
  }
}
