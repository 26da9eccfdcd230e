package io.refraft.spec.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.refraft.spec.Input;
import io.refraft.spec.NodeState;
import io.refraft.spec.Raft;
import io.refraft.spec.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script format and the interpreter's own checks: a harness that cannot fail proves nothing. */
class ScriptTest {

  @Test
  void when_a_script_is_rendered_with_its_own_outputs_then_the_text_is_unchanged() {
    String text = "# comment\nnodes 3\n----\nout 1\nout 2\n\n# two\n# lines\nstate\n----\nx\n\n# trailer\n";
    Script s = Script.parse("t.txt", text);
    assertEquals(2, s.cases().size());
    assertEquals(2, s.cases().get(0).line());
    assertEquals(9, s.cases().get(1).line());
    List<List<String>> outputs = new ArrayList<>();
    s.cases().forEach(c -> outputs.add(c.expected()));
    assertEquals(text, s.render(outputs));
  }

  @Test
  void when_a_command_lacks_its_separator_then_the_error_names_file_and_line() {
    Script.ScriptError e = assertThrows(Script.ScriptError.class,
        () -> Script.parse("bad.txt", "nodes 3\n----\nok\n\nstate\nlog\n"));
    assertEquals("bad.txt:5: expected a '----' line after the command 'state'", e.getMessage());
  }

  @Test
  void when_a_command_is_unknown_or_misused_then_the_error_names_file_and_line() {
    Script s = Script.parse("bad.txt", "nodes 3 prevote=maybe\n----\n");
    Script.ScriptError e = assertThrows(Script.ScriptError.class, () -> new Interpreter("bad.txt").run(s.cases().get(0)));
    assertEquals("bad.txt:1: option prevote takes on or off, got 'maybe'", e.getMessage());

    Script s2 = Script.parse("bad.txt", "nodes 3\n----\n\ntimeout n9\n----\n");
    Interpreter in = new Interpreter("bad.txt");
    in.run(s2.cases().get(0));
    Script.ScriptError e2 = assertThrows(Script.ScriptError.class, () -> in.run(s2.cases().get(1)));
    assertTrue(e2.getMessage().startsWith("bad.txt:4: no server 'n9'"), e2.getMessage());
  }

  /** A leader that commits what it appends at once breaks QuorumCommitted, and the script stops there. */
  @Test
  void when_the_protocol_breaks_an_invariant_then_the_script_fails_at_that_step() {
    String text = "nodes 3 prevote=off noop=off\n----\n\ntimeout n1\n----\n\nstabilize\n----\n\npropose n1 v1\n----\n";
    Script s = Script.parse("broken.txt", text);
    Interpreter in = new Interpreter("broken.txt", ScriptTest::commitWithoutQuorum);
    in.run(s.cases().get(0));
    in.run(s.cases().get(1));
    in.run(s.cases().get(2));
    Script.ScriptError e = assertThrows(Script.ScriptError.class, () -> in.run(s.cases().get(3)));
    assertTrue(e.getMessage().startsWith("broken.txt:10: invariant QuorumCommitted violated after 'n1 ClientPropose(v1)'"),
        e.getMessage());
  }

  private static Transition commitWithoutQuorum(NodeState s, Input in) {
    Transition t = Raft.step(s, in);
    NodeState n = t.next();
    if (!n.isLeader()) {
      return t;
    }
    NodeState committed = new NodeState(n.self(), n.config(), n.term(), n.votedFor(), n.log(), n.log().lastIndex(),
        n.role());
    return new Transition(committed, t.outputs(), t.actions());
  }
}
