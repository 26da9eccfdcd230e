package io.refraft.spec.explore;

import io.refraft.spec.check.Faults;
import io.refraft.spec.check.Reconfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconfigScratchTest {
  @Test
  void scratch() {
    String[] spec = System.getProperty("scratch", "3,1,2,3,1,0,single,1,none,0").split(",");
    Bounds b = new Bounds(Integer.parseInt(spec[0]), Integer.parseInt(spec[1]), Integer.parseInt(spec[2]),
        Integer.parseInt(spec[3]), Integer.parseInt(spec[4]), -1, 0, Integer.parseInt(spec[5]));
    String[] rc = spec[6].split("\\+");
    Reconfig r = new Reconfig(java.util.Arrays.asList(rc).contains("single"), java.util.Arrays.asList(rc).contains("joint"),
        java.util.Arrays.asList(rc).contains("transfer"));
    Faults f = spec[8].equals("all") ? Faults.ALL : Faults.NONE;
    RaftModel m = RaftModel.of(b, true, true, 1, true, f, Optional.empty()).withReconfig(Integer.parseInt(spec[7]), r)
        .withConfOnApply(spec[9].equals("1"));
    ModelChecker.Result res = new ModelChecker(m, b, true, 2).run(System::nanoTime);
    System.out.println("RESULT violated=" + res.violated() + " distinct=" + res.distinctStates() + " depth=" + res.depth()
        + " s=" + res.nanos() / 1e9);
    res.counterexample().ifPresent(cx -> {
      System.out.println("VIOLATION " + cx.violation());
      for (var st : cx.steps()) {
        System.out.println("  " + CounterexampleFormat.describe(st.event()));
      }
      var last = cx.steps().get(cx.steps().size() - 1).next();
      last.nodes().forEach(n -> System.out.println("    " + CounterexampleFormat.summary(n)));
    });
  }
}
