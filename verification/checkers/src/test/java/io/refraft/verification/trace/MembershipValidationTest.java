package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Membership;
import io.refraft.spec.Output;
import io.refraft.spec.Snapshot;
import io.refraft.traces.Persisted;
import io.refraft.traces.TraceInput;
import io.refraft.traces.TraceStep;
import io.refraft.verification.view.TraceView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revision 6 traces through the validator and the viewer: a snapshot must carry the configuration
 * it replaced, the quorum of a committed entry is taken in its configuration, and the viewer draws
 * joining servers, configuration entries and TimeoutNow.
 */
class MembershipValidationTest {
  @TempDir
  Path dir;

  private Optional<Divergence> validate(String text) throws Exception {
    Path f = dir.resolve("t.ndjson");
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return new TraceValidator(TraceValidator.Options.defaults()).validateFile(f).divergence();
  }

  @Test
  void the_membership_run_validates_with_its_joining_server() throws Exception {
    ScriptedCluster c = MembershipScenarios.learnerPromotedVoterRemoved();
    assertEquals(Optional.empty(), validate(c.text(c.header(false, "membership"))));
  }

  /** A node that compacts a configuration entry but leaves its configuration out of the snapshot diverges there. */
  @Test
  void a_snapshot_without_its_configuration_diverges_as_persisted() throws Exception {
    ScriptedCluster c = new ScriptedCluster(io.refraft.spec.Config.ofSize(3), "n4");
    c.timeout("n1").deliverAll();
    c.change("n1", Membership.of(MembershipScenarios.ids("n1", "n2", "n3"), MembershipScenarios.ids("n4")))
        .deliverAll().heartbeat("n1").deliverAll();
    c.edit(s -> s.input() instanceof TraceInput.TakeSnapshot && s.persisted().flatMap(Persisted::snapshot).isPresent()
        ? withoutConfiguration(s) : null);
    c.snapshot("n1");
    Optional<Divergence> d = validate(c.text(c.header(false, "snapshot without configuration")));
    assertTrue(d.isPresent(), "the snapshot's configuration is compared");
    assertEquals(c.bugLine(), d.get().line());
    assertEquals(Divergence.Kind.PERSISTED, d.get().kind());
    assertTrue(d.get().toString().contains("configuration {n1,n2,n3 learners n4}"), d.get().toString());
  }

  private static TraceStep withoutConfiguration(TraceStep s) {
    Persisted p = s.persisted().orElseThrow();
    Snapshot was = p.snapshot().orElseThrow().snapshot();
    Persisted edited = new Persisted(p.hardState(), Optional.of(new Output.SaveSnapshot(
        new Snapshot(was.index(), was.term(), was.digest()))), p.log());
    return new TraceStep(s.node(), s.seq(), s.time(), s.input(), s.actions(), s.state(), Optional.of(edited), s.sent(),
        s.reads());
  }

  @Test
  void the_viewer_draws_joining_servers_configurations_and_timeout_now() throws Exception {
    ScriptedCluster m = MembershipScenarios.learnerPromotedVoterRemoved();
    ScriptedCluster t = MembershipScenarios.leadershipTransfer();
    for (String text : List.of(m.text(m.header(false, "membership")), t.text(t.header(false, "transfer")))) {
      Path f = dir.resolve("v.ndjson");
      Files.writeString(f, text, StandardCharsets.UTF_8);
      Path html = dir.resolve("v.html");
      TraceView.Result r = TraceView.write(List.of(f), false, TraceValidator.Options.defaults(), html, "membership");
      assertEquals(Optional.empty(), r.validation().divergence());
      assertEquals(text.lines().count() - 1, r.steps());
      String page = Files.readString(html, StandardCharsets.UTF_8);
      assertTrue(page.contains(text.contains("joining") ? "\"joining\":[\"n4\"]" : "\"type\":\"TimeoutNow\""),
          "the page holds the revision 6 data");
    }
  }
}
