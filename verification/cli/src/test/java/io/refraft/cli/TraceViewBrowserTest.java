package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.verification.trace.TraceBench;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The trace view in a real browser: Debian's chromium, headless, driven through its own
 * chromedriver (never a downloaded browser). Skipped, saying why, when either is not installed
 * ({@code apt-get install chromium chromium-driver}; .ci/run installs them). Screenshots go to
 * target/view-screenshots/, a CI artifact.
 */
class TraceViewBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path CORPUS = Path.of("..", "..", "traces", "corpus");
  private static final Path SHOTS = Path.of("target", "view-screenshots");

  @TempDir static Path dir;
  private static ChromeDriver driver;
  private static ChromeDriverService service;

  @BeforeAll
  static void browser() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
            + " is not installed (apt-get install -y chromium chromium-driver)");
    Files.createDirectories(SHOTS);
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .build();
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--window-size=1400,900", "--user-data-dir=" + Files.createTempDirectory(dir, "profile"));
    driver = new ChromeDriver(service, o);
  }

  @AfterAll
  static void close() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  /** Opens {@code page} and waits until the view says it is interactive; the ms since navigation started. */
  private static double open(Path page) {
    driver.get(page.toAbsolutePath().toUri().toString());
    new WebDriverWait(driver, Duration.ofSeconds(60)).until(d ->
        Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return !!(window.refraftView && refraftView.ready)")));
    return ((Number) js("return refraftView.readyMs")).doubleValue();
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static long selected() {
    return ((Number) js("return refraftView.selected()")).longValue();
  }

  private static String after(String field) {
    return driver.findElement(By.cssSelector("#rf-state tr[data-field='" + field + "'] td:nth-child(3)")).getText();
  }

  private static String before(String field) {
    return driver.findElement(By.cssSelector("#rf-state tr[data-field='" + field + "'] td:nth-child(2)")).getText();
  }

  private static void screenshot(String name) throws Exception {
    File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path view(Path trace, String name) {
    Path out = dir.resolve(name + ".html");
    ViewCommandTest.Run r = ViewCommandTest.run("view", trace.toString(), "--out", out.toString());
    assertTrue(r.exit() == 0 || r.exit() == 1, r.err());
    return out;
  }

  /** The state a trace line shows after its step. */
  private static JsonNode state(List<String> lines, int step) throws Exception {
    return new ObjectMapper().readTree(lines.get(step + 1)).get("state");
  }

  @Test
  void a_corpus_trace_shows_each_steps_state_and_steps_with_the_keyboard() throws Exception {
    Path trace = CORPUS.resolve("valid/log-conflict-repair.ndjson");
    List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
    open(view(trace, "corpus"));
    assertEquals(lines.size() - 1, ((Number) js("return refraftView.steps")).intValue());

    int k = Math.min(9, lines.size() - 2);
    driver.findElement(By.cssSelector(".row[data-step='" + k + "']")).click();
    assertEquals(k, selected());
    JsonNode st = state(lines, k);
    assertEquals(st.get("term").asText(), after("term"));
    assertEquals(st.get("role").asText(), after("role"));
    assertEquals(st.get("commitIndex").asText(), after("commitIndex"));
    assertEquals(st.get("lastLogIndex").asText() + "/" + st.get("lastLogTerm").asText(), after("lastLog"));
    String node = new ObjectMapper().readTree(lines.get(k + 1)).get("node").asText();
    assertTrue(driver.findElement(By.id("detail")).getText().contains(node + " #"), "the step's node is shown");

    // the state before is the node's state after its previous step
    int prev = k - 1;
    while (prev >= 0 && !new ObjectMapper().readTree(lines.get(prev + 1)).get("node").asText().equals(node)) {
      prev--;
    }
    assertEquals(prev < 0 ? "0" : state(lines, prev).get("term").asText(), before("term"));

    new Actions(driver).sendKeys(Keys.ARROW_RIGHT).perform();
    assertEquals(k + 1, selected());
    assertEquals(state(lines, k + 1).get("commitIndex").asText(), after("commitIndex"));
    new Actions(driver).sendKeys(Keys.ARROW_LEFT).sendKeys(Keys.ARROW_LEFT).perform();
    assertEquals(k - 1, selected());

    // a click on the diagram selects the step drawn there
    WebElement lanes = driver.findElement(By.id("lanes"));
    JsonNode layout = new ObjectMapper().readTree((String) js("return JSON.stringify(refraftView.layout())"));
    int target = 3;
    double x = layout.get("x0").asDouble() + (target - layout.get("first").asInt()) * layout.get("stepW").asDouble()
        + layout.get("stepW").asDouble() / 2;
    new Actions(driver).moveToElement(lanes, (int) Math.round(x - lanes.getSize().getWidth() / 2.0), 0).click().perform();
    assertEquals(target, selected());
    screenshot("corpus-log-conflict-repair");

    // refraft test's report links each node's steps: #node=ID
    Path page = dir.resolve("corpus.html");
    driver.get("about:blank"); // a new fragment alone would not load the page again
    driver.get(page.toAbsolutePath().toUri() + "#node=n2");
    new WebDriverWait(driver, Duration.ofSeconds(60)).until(d ->
        Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return !!(window.refraftView && refraftView.ready)")));
    List<WebElement> rows = driver.findElements(By.cssSelector(".row"));
    long n2 = lines.stream().skip(1).filter(l -> l.startsWith("{\"node\":\"n2\"")).count();
    assertEquals(n2, rows.size(), "only n2's steps are listed");
    List<String> nodesListed = rows.stream().map(e -> e.getAttribute("data-node")).toList();
    assertTrue(nodesListed.stream().allMatch("n2"::equals), "every row is n2's: " + nodesListed);
  }

  /** What a trace says of its messages, computed from its lines alone (the rule the page's legend states). */
  record Fates(long sent, long delivered, long duplicates, long dropped, long inFlight, long commits) {
    static Fates of(List<String> lines) throws Exception {
      ObjectMapper json = new ObjectMapper();
      List<String[]> sent = new java.util.ArrayList<>(); // id, from, to, step
      java.util.Map<String, Integer> number = new java.util.HashMap<>();
      java.util.Map<String, Integer> received = new java.util.HashMap<>();
      java.util.Map<String, Integer> restart = new java.util.HashMap<>();
      java.util.Map<String, Long> commit = new java.util.HashMap<>();
      long commits = 0;
      for (int i = 1; i < lines.size(); i++) {
        JsonNode st = json.readTree(lines.get(i));
        String node = st.get("node").asText();
        JsonNode in = st.get("input");
        if (in.get("type").asText().equals("Restart")) {
          restart.put(node, i);
        }
        if (in.has("message")) {
          received.merge(in.get("message").get("id").asText(), 1, Integer::sum);
        }
        for (JsonNode m : st.get("sent")) {
          number.put(m.get("id").asText(), sent.size());
          sent.add(new String[] {m.get("id").asText(), m.get("from").asText(), m.get("to").asText(), "" + i});
        }
        long c = st.get("state").get("commitIndex").asLong();
        if (c > commit.getOrDefault(node, 0L)) {
          commits++;
        }
        commit.put(node, c);
      }
      java.util.Map<String, Integer> lastOnChannel = new java.util.HashMap<>();
      long duplicates = 0;
      for (var r : received.entrySet()) {
        Integer n = number.get(r.getKey());
        if (n != null) {
          lastOnChannel.merge(sent.get(n)[1] + ">" + sent.get(n)[2], n, Math::max);
          duplicates += r.getValue() - 1;
        }
      }
      long delivered = 0, dropped = 0, inFlight = 0;
      for (int n = 0; n < sent.size(); n++) {
        String[] m = sent.get(n);
        int at = Integer.parseInt(m[3]);
        if (received.containsKey(m[0])) {
          delivered++;
        } else if (lastOnChannel.getOrDefault(m[1] + ">" + m[2], -1) > n || restart.getOrDefault(m[1], -1) > at
            || restart.getOrDefault(m[2], -1) > at) {
          dropped++;
        } else {
          inFlight++;
        }
      }
      return new Fates(sent.size(), delivered, duplicates, dropped, inFlight, commits);
    }
  }

  /**
   * Dropped, duplicated and still-in-flight messages are drawn apart from delivered ones, and each
   * commit index advance is marked on its node's lane: the page's counts, and what it drew with the
   * whole trace in view, against the same counts taken from the trace's lines.
   */
  @Test
  void dropped_duplicated_and_in_flight_messages_and_commit_advances_are_drawn_apart() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (String name : List.of("valid/log-conflict-repair", "valid/leader-isolated", "valid/duplicates")) {
      Path trace = CORPUS.resolve(name + ".ndjson");
      List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
      Fates want = Fates.of(lines);
      open(view(trace, "fates"));
      JsonNode got = json.readTree((String) js("return JSON.stringify(refraftView.messages())"));
      assertEquals(want.sent(), got.get("sent").asLong(), name + " sent");
      assertEquals(want.delivered(), got.get("delivered").asLong(), name + " delivered");
      assertEquals(want.duplicates(), got.get("duplicates").asLong(), name + " duplicates");
      assertEquals(want.dropped(), got.get("dropped").asLong(), name + " dropped");
      assertEquals(want.inFlight(), got.get("inFlight").asLong(), name + " in flight");
      assertEquals(String.valueOf(want.dropped()), driver.findElement(By.cssSelector("#legend [data-kind='dropped']"))
          .getAttribute("data-count"), name + ": the legend's count");
      // the whole trace in view: what was drawn is every message once (a duplicate once more)
      js("refraftView.select(0)");
      JsonNode layout = json.readTree((String) js("return JSON.stringify(refraftView.layout())"));
      assertEquals(0, layout.get("first").asInt(), name + ": drawn from the first step");
      JsonNode drawn = json.readTree((String) js("return JSON.stringify(refraftView.drawn())"));
      assertEquals(want.delivered(), drawn.get("delivered").asLong(), name + " delivered arrows");
      assertEquals(want.duplicates(), drawn.get("duplicate").asLong(), name + " duplicate arrows");
      assertEquals(want.dropped(), drawn.get("dropped").asLong(), name + " dropped arrows");
      assertEquals(want.inFlight(), drawn.get("inFlight").asLong(), name + " in-flight arrows");
      assertEquals(want.commits(), drawn.get("commits").asLong(), name + " commit marks");
      screenshot("fates-" + trace.getFileName().toString().replace(".ndjson", ""));
    }
    // the three traces hold each kind at least once, so each count above could have been wrong
    assertTrue(Fates.of(Files.readAllLines(CORPUS.resolve("valid/log-conflict-repair.ndjson"))).inFlight() > 0);
    assertTrue(Fates.of(Files.readAllLines(CORPUS.resolve("valid/leader-isolated.ndjson"))).dropped() > 0);
    assertTrue(Fates.of(Files.readAllLines(CORPUS.resolve("valid/duplicates.ndjson"))).duplicates() > 0);
  }

  /** The selected step's log shows its node's commit index: that many cells marked committed. */
  @Test
  void the_log_marks_the_commit_index() throws Exception {
    Path trace = CORPUS.resolve("valid/log-conflict-repair.ndjson");
    List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
    open(view(trace, "commit"));
    int checked = 0;
    for (int k = 0; k < lines.size() - 1; k++) {
      long commit = state(lines, k).get("commitIndex").asLong();
      if (commit == 0) {
        continue;
      }
      js("refraftView.select(arguments[0])", k);
      List<WebElement> rows = driver.findElements(By.cssSelector("#rf-state tr"));
      WebElement logRow = rows.get(rows.size() - 1);
      int committed = logRow.findElements(By.cssSelector("td:nth-child(3) .cell.committed")).size();
      assertEquals(commit, committed, "step " + k + ": cells marked committed");
      checked++;
    }
    assertTrue(checked > 0, "the trace commits something");
  }

  /**
   * The page stores a step's fields positionally and a received message as a reference to its
   * send; the step panel must rebuild exactly the trace's line: input (with the message as
   * received, even when it was altered in transit), actions, persisted, sent and reads.
   */
  @Test
  void every_steps_panel_shows_the_trace_lines_own_fields() throws Exception {
    List<Path> traces = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> s = Files.list(CORPUS.resolve("valid"))) {
      s.filter(p -> p.toString().endsWith(".ndjson")).sorted().forEach(traces::add);
    }
    traces.add(CORPUS.resolve("invalid/altered-in-transit.ndjson"));
    traces.add(CORPUS.resolve("invalid/duplicate-delivery.ndjson"));
    ObjectMapper json = new ObjectMapper();
    for (Path trace : traces) {
      List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
      open(view(trace, "fields"));
      JsonNode steps = json.readTree((String) js(
          "return JSON.stringify(Array.from({length: refraftView.steps}, (_, s) => refraftView.step(s)))"));
      assertEquals(lines.size() - 1, steps.size(), trace + ": one step per line");
      for (int s = 0; s < steps.size(); s++) {
        JsonNode want = json.readTree(lines.get(s + 1));
        JsonNode got = steps.get(s);
        String where = trace.getFileName() + ":" + (s + 2) + " ";
        for (String f : List.of("node", "seq", "input", "sent")) {
          assertEquals(want.get(f), got.get(f), where + f);
        }
        if (want.has("actions")) {
          assertEquals(want.get("actions"), got.get("actions"), where + "actions");
        }
        boolean persisted = want.has("persisted") && !want.get("persisted").isEmpty();
        assertEquals(persisted ? want.get("persisted") : null, got.get("persisted"), where + "persisted");
        boolean reads = want.has("reads") && !want.get("reads").isEmpty();
        assertEquals(reads ? want.get("reads") : null, got.get("reads"), where + "reads");
      }
    }
  }

  /**
   * refraft test's report links its run's page (traces.html, written as {@code view --run} writes
   * it) with #node=ID for each node and #divergence: on a run whose traces diverge, each anchor
   * opens that node's steps, and #divergence opens at the validator's divergence with its diff.
   */
  @Test
  void a_runs_page_opens_each_node_and_the_divergence_from_the_reports_links() throws Exception {
    Path source = CORPUS.resolve("invalid/commits-without-quorum.ndjson");
    List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
    Path runDir = dir.resolve("run-traces");
    Files.createDirectories(runDir);
    List<String> nodes = List.of("n1", "n2", "n3");
    for (String n : nodes) {
      StringBuilder sb = new StringBuilder(lines.get(0).replaceFirst("^\\{", "{\"node\":\"" + n + "\",")).append('\n');
      lines.stream().skip(1).filter(l -> l.startsWith("{\"node\":\"" + n + "\"")).forEach(l -> sb.append(l).append('\n'));
      Files.writeString(runDir.resolve(n + ".ndjson"), sb.toString(), StandardCharsets.UTF_8);
    }
    Path page = dir.resolve("traces.html");
    ViewCommandTest.Run r = ViewCommandTest.run("view", "--run", runDir.toString(), "--out", page.toString());
    assertEquals(1, r.exit(), r.err() + r.out());
    JsonNode d = ViewCommandTest.run("verify-trace", "--run", runDir.toString()).summary().get("divergence");
    for (String n : nodes) {
      driver.get("about:blank"); // a new fragment alone would not load the page again
      driver.get(page.toAbsolutePath().toUri() + "#node=" + n);
      new WebDriverWait(driver, Duration.ofSeconds(60)).until(x -> Boolean.TRUE.equals(
          ((JavascriptExecutor) x).executeScript("return !!(window.refraftView && refraftView.ready)")));
      long steps = lines.stream().skip(1).filter(l -> l.startsWith("{\"node\":\"" + n + "\"")).count();
      List<String> listed = driver.findElements(By.cssSelector(".row")).stream().map(e -> e.getAttribute("data-node"))
          .toList();
      assertEquals(steps, listed.size(), n + ": its steps listed");
      assertTrue(listed.stream().allMatch(n::equals), n + ": only its steps: " + listed);
      assertTrue(driver.findElement(By.id("detail")).getText().contains(n + " #"), n + ": its first step shown");
    }
    driver.get("about:blank");
    driver.get(page.toAbsolutePath().toUri() + "#divergence");
    new WebDriverWait(driver, Duration.ofSeconds(60)).until(x -> Boolean.TRUE.equals(
        ((JavascriptExecutor) x).executeScript("return !!(window.refraftView && refraftView.ready)")));
    assertEquals(((Number) js("return refraftView.divergedAt")).longValue(), selected(), "opened at the divergence");
    String detail = driver.findElement(By.id("detail")).getText();
    assertTrue(detail.contains(d.get("node").asText() + " #" + d.get("seq").asLong()), detail);
    JsonNode diff = d.get("diffs").get(0);
    assertTrue(detail.contains(diff.get("expected").asText()) && detail.contains(diff.get("observed").asText()),
        "the validator's expected and observed values: " + detail);
    screenshot("run-divergence");
  }

  @Test
  void a_mutant_counterexample_shows_its_divergence_numbered_as_spec_check_prints_it() throws Exception {
    Path trace = dir.resolve("cx.ndjson");
    Path page = dir.resolve("cx.html");
    ViewCommandTest.Run r = ViewCommandTest.run("spec", "check", "--mutant", "keep-conflicts", "--out", trace.toString(),
        "--view", page.toString());
    assertEquals(1, r.exit(), r.err());
    JsonNode d = ViewCommandTest.run("verify-trace", trace.toString()).summary().get("divergence");
    List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
    long time = new ObjectMapper().readTree(lines.get((int) d.get("line").asLong() - 1)).get("time").asLong();
    assertTrue(r.out().stream().anyMatch(l -> l.startsWith(String.format(Locale.ROOT, "%3d. ", time))),
        "spec check printed a step " + time);

    open(page);
    assertEquals(time, ((Number) js("return refraftView.number(refraftView.divergedAt)")).longValue(),
        "the divergence is at the step spec check numbers " + time);
    assertEquals(((Number) js("return refraftView.divergedAt")).longValue(), selected(), "opened at the divergence");
    String detail = driver.findElement(By.id("detail")).getText();
    assertTrue(detail.contains("Counterexample step " + time), detail);
    JsonNode diff = d.get("diffs").get(0);
    assertTrue(detail.contains(diff.get("expected").asText()) && detail.contains(diff.get("observed").asText()),
        "the validator's expected and observed values: " + detail);
    assertEquals(1, driver.findElements(By.cssSelector(".row.div")).size(), "the divergent step is highlighted");
    screenshot("counterexample-keep-conflicts");
    new Actions(driver).sendKeys(Keys.HOME).perform();
    assertEquals(0, selected());
  }

  /**
   * Large generated traces open whole and can be walked to their end. The time to interactive is
   * printed for BENCHMARKS.md (targets 2 s and 5 s), not asserted: a timing is a measurement, and a
   * loaded CI machine is no place to gate on one.
   */
  @Test
  void a_10000_and_a_100000_step_trace_open_whole_and_report_their_time_to_interactive() throws Exception {
    for (long[] c : new long[][] {{10_000, 2_000}, {100_000, 5_000}}) {
      Path trace = dir.resolve("big-" + c[0] + ".ndjson");
      TraceBench.generate(trace, 5, c[0], 10);
      Path page = view(trace, "big-" + c[0]);
      double ms = open(page);
      long steps = ((Number) js("return refraftView.steps")).longValue();
      System.out.println("timings " + js("return JSON.stringify(Object.assign({domInteractive: performance.timing.domInteractive - performance.timing.navigationStart}, refraftView.timings))"));
      System.out.printf(Locale.ROOT, "trace view: %d steps, 5 nodes, %d bytes: interactive %.0f ms after navigation"
          + " (target %d ms)%n", steps, Files.size(page), ms, c[1]);
      assertTrue(steps >= c[0], "the whole trace is drawn");
      new Actions(driver).sendKeys(Keys.END).perform();
      assertEquals(steps - 1, selected());
      screenshot("generated-" + c[0]);
    }
  }
}
