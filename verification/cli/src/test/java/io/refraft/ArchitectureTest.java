package io.refraft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/ARCHITECTURE.md#modules-and-dependencies, checked on the compiled main classes of every module.
 *
 * <p>Each rule is a separate test so a failure names the rule it breaks.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // the checkers' test jar (test fixtures the CLI's tests reuse) is test code too
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.refraft");
    // Guard against a vacuous pass: the import must have found the modules' classes.
    if (classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.refraft.spec"))) {
      throw new AssertionError("ArchitectureTest imported no io.refraft.spec classes");
    }
  }

  /** The protocol core (spec, spec.check) sees only java.lang and java.util, minus time, randomness and threads. */
  @Test
  void spec_core_depends_only_on_java_lang_and_java_util() {
    ArchRule rule = classes().that().resideInAPackage("io.refraft.spec..")
        .and().resideOutsideOfPackage("io.refraft.spec.explore..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("io.refraft.spec..", "java.lang..", "java.util..")
        .because("the spec is a pure function: no I/O, clocks, randomness or threads (docs/ARCHITECTURE.md#modules-and-dependencies)");
    rule.check(classes);
  }

  @Test
  void spec_uses_no_clock_randomness_threads_or_io() {
    ArchRule rule = noClasses().that().resideInAPackage("io.refraft.spec..")
        .and().resideOutsideOfPackage("io.refraft.spec.explore..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "java.util.concurrent..", "java.util.random..", "java.io..", "java.nio..", "java.net..",
            "java.time..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.SplittableRandom")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(Math.class, "random")
        .because("only spec.explore may use threads and a seeded PRNG (docs/ARCHITECTURE.md#modules-and-dependencies)");
    rule.check(classes);
  }

  @Test
  void spec_explore_does_no_io_and_reads_no_clock_for_decisions() {
    ArchRule rule = noClasses().that().resideInAPackage("io.refraft.spec..")
        .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .because("the model checker is seeded and reproducible; files are written by the CLI");
    rule.check(classes);
  }

  @Test
  void no_spec_package_but_explore_depends_on_explore() {
    noClasses().that().resideInAPackage("io.refraft.spec..")
        .and().resideOutsideOfPackage("io.refraft.spec.explore..")
        .should().dependOnClassesThat().resideInAPackage("io.refraft.spec.explore..")
        .check(classes);
  }

  @Test
  void spec_fields_are_final_and_types_are_closed() {
    classes().that().resideInAPackage("io.refraft.spec..")
        .and().resideOutsideOfPackage("io.refraft.spec.explore..")
        .and().doNotHaveSimpleName("package-info")
        .should(beClosedType())
        .andShould(haveOnlyFinalFields())
        .check(classes);
  }

  @Test
  void spec_depends_on_no_other_module() {
    noClasses().that().resideInAPackage("io.refraft.spec..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.refraft.traces..", "io.refraft.impl..", "io.refraft.verification..", "io.refraft.cli..")
        .check(classes);
  }

  @Test
  void traces_depend_only_on_spec() {
    noClasses().that().resideInAPackage("io.refraft.traces..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.refraft.impl..", "io.refraft.verification..", "io.refraft.cli..")
        .check(classes);
  }

  @Test
  void impl_never_depends_on_verification() {
    noClasses().that().resideInAPackage("io.refraft.impl..")
        .should().dependOnClassesThat().resideInAnyPackage("io.refraft.verification..", "io.refraft.cli..")
        .check(classes);
  }

  @Test
  void checkers_never_depend_on_impl() {
    noClasses().that().resideInAnyPackage(
            "io.refraft.verification.trace..", "io.refraft.verification.history..",
            "io.refraft.verification.elle..", "io.refraft.verification.linear..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.refraft.impl..", "io.refraft.verification.sim..", "io.refraft.verification.harness..",
            "io.refraft.cli..")
        .because("another implementation's trace or history is checked with exactly the same code")
        .check(classes);
  }

  @Test
  void the_trace_view_depends_only_on_spec_traces_and_the_validator() {
    classes().that().resideInAPackage("io.refraft.verification.view..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("io.refraft.verification.view..", "io.refraft.verification.trace..", "io.refraft.spec",
            "io.refraft.traces..", "java..")
        .because("the view shows what the validator sees, for any implementation's trace, from the checkers alone")
        .check(classes);
  }

  @Test
  void elle_depends_only_on_history_and_the_jdk() {
    classes().that().resideInAPackage("io.refraft.verification.elle..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("io.refraft.verification.elle..", "io.refraft.verification.history..", "java..")
        .because("elle could be published alone as the Java port of Elle")
        .check(classes);
  }

  @Test
  void the_http_server_depends_on_no_other_refraft_package() {
    noClasses().that().resideInAPackage("io.refraft.impl.http..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.refraft.spec..", "io.refraft.traces..", "io.refraft.impl.node..", "io.refraft.impl.server..",
            "io.refraft.impl.kv..", "io.refraft.impl.net..", "io.refraft.impl.storage..", "io.refraft.impl.codec..",
            "io.refraft.impl.client..", "io.refraft.verification..", "io.refraft.cli..")
        .check(classes);
  }

  @Test
  void snapshot_transfer_knows_only_the_transport_and_files() {
    classes().that().resideInAPackage("io.refraft.impl.snapshot..")
        .should().onlyDependOnClassesThat()
        .resideInAnyPackage("io.refraft.impl.snapshot..", "io.refraft.impl.net..", "java..", "org.slf4j..")
        .because("the request travels as opaque bytes: the driver and storage decide what a snapshot is")
        .check(classes);
  }

  @Test
  void metrics_are_counted_around_the_measured_parts_not_inside_them() {
    noClasses().that().resideInAnyPackage("io.refraft.impl.node..", "io.refraft.impl.storage..",
            "io.refraft.impl.net..", "io.refraft.impl.http..", "io.refraft.impl.codec..", "io.refraft.impl.kv..")
        .should().dependOnClassesThat().resideInAPackage("io.refraft.impl.metrics..")
        .because("the measured parts expose plain counters; impl.metrics reads them and wraps the parts")
        .check(classes);
    noClasses().that().resideInAPackage("io.refraft.impl.metrics..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.refraft.impl.server..", "io.refraft.impl.planted..", "io.refraft.verification..", "io.refraft.cli..")
        .because("only the composition root (impl.server) applies the metrics' wrappers")
        .check(classes);
  }

  @Test
  void history_depends_on_no_other_refraft_package() {
    noClasses().that().resideInAPackage("io.refraft.verification.history..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.refraft.spec..", "io.refraft.traces..", "io.refraft.impl..",
            "io.refraft.verification.elle..", "io.refraft.verification.linear..",
            "io.refraft.verification.trace..")
        .check(classes);
  }

  /**
   * The classes that build nodes with planted bugs ({@code --inject-bug}): the commands that parse
   * the names and hand the wrappers to {@code NodeServer} ({@code node}) or to the simulator
   * ({@code simulate}; {@code test} passes the names on to its nodes), and the simulator's node
   * construction ({@code Simulation}) and report of its options ({@code SimResult}).
   */
  private static final List<String> PLANTED_BUG_ROOTS = List.of(
      "io.refraft.cli.NodeCommand", "io.refraft.cli.SimulateCommand", "io.refraft.cli.TestCommand",
      "io.refraft.verification.sim.Simulation", "io.refraft.verification.sim.SimResult");

  @Test
  void only_the_composition_roots_depend_on_the_planted_bugs() {
    for (String root : PLANTED_BUG_ROOTS) { // a renamed root must be renamed here too, not silently dropped
      if (!classes.contain(root)) {
        throw new AssertionError("ArchitectureTest names " + root + " as a composition root, but no such class exists");
      }
    }
    DescribedPredicate<JavaClass> root = DescribedPredicate.describe("a composition root " + PLANTED_BUG_ROOTS,
        c -> PLANTED_BUG_ROOTS.stream().anyMatch(r -> c.getName().equals(r) || c.getName().startsWith(r + "$")));
    noClasses().that().resideOutsideOfPackage("io.refraft.impl.planted..")
        .and(DescribedPredicate.not(root))
        .should().dependOnClassesThat().resideInAPackage("io.refraft.impl.planted..")
        .because("planted bugs are test instruments wrapped around a node's collaborators where it is built, "
            + "never flags inside production classes")
        .check(classes);
  }

  @Test
  void the_fault_vocabulary_depends_only_on_the_jdk_and_sim_and_harness_not_on_each_other() {
    classes().that().resideInAPackage("io.refraft.verification.fault..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("io.refraft.verification.fault..", "java..")
        .because("the simulator and the harness share it")
        .check(classes);
    noClasses().that().resideInAPackage("io.refraft.verification.sim..")
        .should().dependOnClassesThat().resideInAPackage("io.refraft.verification.harness..")
        .check(classes);
    noClasses().that().resideInAPackage("io.refraft.verification.harness..")
        .should().dependOnClassesThat().resideInAPackage("io.refraft.verification.sim..")
        .check(classes);
  }

  /**
   * A simple name means one type: no two top-level types of io.refraft, public or not, share one
   * (main code only; package-info files excluded), so a reader never has to look at the imports to
   * know which {@code Fault} or {@code Model} is meant.
   */
  @Test
  void no_two_top_level_types_share_a_simple_name() {
    Map<String, List<String>> byName = new TreeMap<>();
    for (JavaClass c : classes) {
      if (c.isTopLevelClass() && !c.getSimpleName().equals("package-info")) {
        byName.computeIfAbsent(c.getSimpleName(), k -> new ArrayList<>()).add(c.getName());
      }
    }
    List<String> clashes = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byName.entrySet()) {
      if (e.getValue().size() > 1) {
        clashes.add(e.getKey() + ": " + e.getValue().stream().sorted().toList());
      }
    }
    assertEquals(List.of(), clashes, "types that share a simple name");
  }

  /**
   * The server and HTTP layers decide nothing by the protocol's roles: they see the role in the
   * node's status, the trace format's {@code StateSummary.RoleName} (to redirect a client to the
   * leader), never the spec's {@code Role}, whose leader, candidate and follower logic belongs to
   * the spec.
   */
  @Test
  void the_server_and_http_layers_hold_no_role_logic() {
    noClasses().that().resideInAnyPackage("io.refraft.impl.server..", "io.refraft.impl.http..")
        .should().dependOnClassesThat().haveNameMatching("io\\.refraft\\.spec\\.Role(\\$.*)?")
        .because("what to send, when and to whom is the spec's decision")
        .check(classes);
  }

  /** Iterating these visits entries in hash order, which is not part of the protocol. */
  private static final List<String> HASH_CONTAINERS = List.of("java.util.HashMap", "java.util.HashSet");
  private static final List<String> ITERATION = List.of(
      "iterator", "forEach", "stream", "parallelStream", "spliterator", "entrySet", "keySet", "values", "toArray");

  /**
   * The spec never lets hash order reach a step's result: no HashMap or HashSet is iterated, held
   * in a field or returned (a lookup, such as Config's duplicate check, is fine).
   */
  @Test
  void the_spec_never_depends_on_hash_order() {
    classes().that().resideInAPackage("io.refraft.spec..")
        .and().resideOutsideOfPackage("io.refraft.spec.explore..")
        .should(new ArchCondition<JavaClass>("neither iterate, hold nor return a HashMap or HashSet") {
          @Override
          public void check(JavaClass c, ConditionEvents events) {
            c.getMethodCallsFromSelf().stream()
                .filter(call -> HASH_CONTAINERS.contains(call.getTargetOwner().getName())
                    && ITERATION.contains(call.getName()))
                .forEach(call -> events.add(SimpleConditionEvent.violated(call, call.getDescription())));
            c.getFields().stream().filter(f -> HASH_CONTAINERS.contains(f.getRawType().getName()))
                .forEach(f -> events.add(SimpleConditionEvent.violated(f, f.getFullName() + " is a hash container")));
            c.getMethods().stream().filter(m -> HASH_CONTAINERS.contains(m.getRawReturnType().getName()))
                .forEach(m -> events.add(SimpleConditionEvent.violated(m, m.getFullName() + " returns a hash container")));
          }
        })
        .check(classes);
  }

  @Test
  void no_package_cycles() {
    slices().matching("io.refraft.(**)").should().beFreeOfCycles().check(classes);
  }

  private static ArchCondition<JavaClass> beClosedType() {
    return new ArchCondition<>("be a record, enum, sealed interface or final class") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        Class<?> k = c.reflect();
        boolean ok = k.isRecord() || k.isEnum() || k.isAnnotation()
            || (k.isInterface() && k.isSealed())
            || (!k.isInterface() && (c.getModifiers().contains(JavaModifier.FINAL) || k.isSealed()
                || k.isAnonymousClass()));
        events.add(new SimpleConditionEvent(c, ok,
            c.getName() + (ok ? " is closed" : " is neither a record, an enum, a sealed interface nor a final class")));
      }
    };
  }

  private static ArchCondition<JavaClass> haveOnlyFinalFields() {
    return new ArchCondition<>("have only final fields") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        for (JavaField f : c.getFields()) {
          boolean ok = f.getModifiers().contains(JavaModifier.FINAL);
          events.add(new SimpleConditionEvent(f, ok, f.getFullName() + (ok ? " is final" : " is not final")));
        }
      }
    };
  }
}
