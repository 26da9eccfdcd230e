package io.refraft.verification.linear;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.verification.history.HistoryFormat;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinearTimelineTest {

  @Test
  void marks_prefix_and_blocked_op_and_escapes_values() throws Exception {
    String h = """
        {:process 0, :type :invoke, :f :write, :value "<b>"}
        {:process 0, :type :ok, :f :write, :value "<b>"}
        {:process 2, :type :invoke, :f :write, :value "z"}
        {:process 1, :type :invoke, :f :read, :value nil}
        {:process 1, :type :ok, :f :read, :value "a"}
        """;
    LinearResult.Invalid bad = (LinearResult.Invalid) LinearChecker.check(CasRegister.register(""),
        HistoryFormat.EDN.read("t.edn", h), Duration.ofSeconds(5));
    String html = LinearTimeline.render(bad, "t.edn & more");
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("t.edn &amp; more"));
    assertFalse(html.contains("\"<b>\""), "values are escaped");
    assertEquals(1, html.split("class=\"op blocked", -1).length - 1, "one op could not be placed");
    assertTrue(html.contains(" info\" style"), "the crashed write is drawn as open-ended");
    assertTrue(html.contains("<b>1</b>"), "linearized ops are numbered");
    assertFalse(html.contains("<script") || html.contains("http"), "self-contained");
  }
}
