package io.refraft.verification.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StepValidator} fed the decoded steps of each corpus trace in file order reaches the
 * verdict {@link TraceValidator#validateFile} reaches: valid, or the same first divergent line
 * and kind.
 */
class StepValidatorTest {
  private static final TraceValidator.Options OPTIONS = TraceValidator.Options.defaults();

  @Test
  void every_corpus_trace_gets_the_file_validators_verdict() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Stream.concat(Files.list(TraceCorpusTest.CORPUS.resolve("valid")),
        Files.list(TraceCorpusTest.CORPUS.resolve("invalid")))) {
      files = s.filter(f -> f.toString().endsWith(".ndjson")).sorted().toList();
    }
    assertTrue(files.size() >= 25, "corpus found: " + files.size());
    int invalid = 0;
    for (Path f : files) {
      ValidationResult expected = new TraceValidator(OPTIONS).validateFile(f);
      ValidationResult online = stepByStep(f);
      assertEquals(expected.valid(), online.valid(), f.toString());
      assertEquals(expected.events(), online.events(), f.toString());
      assertEquals(line(expected.divergence()), line(online.divergence()), f.toString());
      assertEquals(expected.divergence().map(Divergence::kind), online.divergence().map(Divergence::kind),
          f.toString());
      invalid += expected.valid() ? 0 : 1;
    }
    assertTrue(invalid >= 15, "invalid cases compared: " + invalid);
  }

  @Test
  void a_producers_witnessed_steps_get_the_same_verdict_and_skip_the_spec_step_once_states_are_shared() {
    for (ScriptedCluster c : List.of(CorpusScenarios.restartLeader(), CorpusScenarios.logConflictRepair(),
        CorpusScenarios.splitVote())) {
      List<TraceStep> steps = c.steps();
      StepValidator with = new StepValidator(c.header(false, "witnessed"), OPTIONS);
      StepValidator without = new StepValidator(c.header(false, "replayed"), OPTIONS);
      for (int k = 0; k < steps.size(); k++) {
        assertTrue(with.step("run", k + 2, steps.get(k), c.witnesses().get(k)));
        assertTrue(without.step("run", k + 2, steps.get(k)));
      }
      assertTrue(with.finish().valid());
      assertEquals(without.finish().events(), with.finish().events());
      // each node's first step is replayed (its initial state is the validator's own object), and
      // from then on every step starts from the producer's very state (a restart here too: the
      // script's node recovers its spec state)
      assertEquals(steps.size() - c.config.members().size(), with.witnessed(), "witnessed steps");
      assertEquals(0, without.witnessed());
    }
  }

  @Test
  void a_producer_that_stepped_from_a_state_the_spec_never_reached_is_replayed_and_diverges() {
    // n1 and n2 are candidates of term 1 (no pre-vote); n3 votes for n1, then forgets that vote
    // before n2's request, as refraft's planted vote-twice does, and grants it too.
    ScriptedCluster c = new ScriptedCluster(io.refraft.spec.Config.ofSize(3).withPreVote(false));
    c.timeout("n1").timeout("n2");
    c.deliver(ScriptedCluster.between("n1", "n3"));
    c.tamper(s -> new io.refraft.spec.NodeState(s.self(), s.config(), s.term(), Optional.empty(), s.log(),
        s.commitIndex(), io.refraft.spec.Role.Follower.UNKNOWN_LEADER));
    c.deliver(ScriptedCluster.between("n2", "n3"));
    c.deliverAll();
    List<TraceStep> steps = c.steps();
    StepValidator v = new StepValidator(c.header(false, "vote twice"), OPTIONS);
    for (int k = 0; k < steps.size() && v.step("run", k + 2, steps.get(k), c.witnesses().get(k)); k++) {
      // validate until the first divergence
    }
    ValidationResult r = v.finish();
    assertTrue(r.divergence().isPresent(), "the second vote was accepted");
    assertEquals(c.bugLine(), r.divergence().get().line());
    assertEquals(Divergence.Kind.STATE, r.divergence().get().kind());
  }

  @Test
  void a_producers_witnessed_steps_get_the_file_validators_verdict_on_lost_steps(@TempDir Path tmp) throws Exception {
    for (LostStepScenarios.Scenario sc : LostStepScenarios.all()) {
      ValidationResult expected = TraceValidatorTest.validate(sc, tmp);
      ScriptedCluster c = sc.cluster();
      List<TraceStep> steps = c.steps();
      StepValidator v = new StepValidator(c.header(false, sc.name()), sc.options());
      for (int k = 0; k < steps.size() && v.step(sc.name(), k + 2, steps.get(k), c.witnesses().get(k)); k++) {
        // validate until the first divergence
      }
      ValidationResult online = v.finish();
      assertEquals(expected.valid(), online.valid(), sc.name());
      assertEquals(expected.events(), online.events(), sc.name());
      assertEquals(expected.lostSteps(), online.lostSteps(), sc.name());
      assertEquals(line(expected.divergence()), line(online.divergence()), sc.name());
      assertEquals(expected.divergence().map(Divergence::kind), online.divergence().map(Divergence::kind), sc.name());
      if (online.valid()) {
        // each node's first step is replayed, and the restart that lost steps (the producer restarted
        // from the state it had after them, the validator from its state before them); every other
        // step, those after the restart included, starts from the producer's very state
        assertEquals(steps.size() - c.config.members().size() - 1, v.witnessed(), sc.name() + ": witnessed steps");
      }
    }
  }

  private static ValidationResult stepByStep(Path f) throws IOException, io.refraft.traces.TraceFormatException {
    try (TraceReader r = TraceReader.open(f)) {
      StepValidator v = new StepValidator(r.header(), OPTIONS);
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        if (!v.step(f.toString(), r.line(), s)) {
          break;
        }
      }
      return v.finish();
    }
  }

  private static Optional<Long> line(Optional<Divergence> d) {
    return d.map(Divergence::line);
  }
}
