package io.refraft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/refraft}: dispatches subcommands and maps outcomes to exit codes. */
@Command(
    name = "refraft",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A formally checked reference implementation of Raft: spec, node and verification tools.")
public final class Main implements Runnable {

  /** Exit code for a usage error or malformed input (docs/ARCHITECTURE.md#the-command-line). */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    // No subcommand: show what there is, as a usage error.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(args.length > 0 && args[0].equals("node"));
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  static CommandLine commandLine() {
    return commandLine(false);
  }

  /**
   * The command line; with {@code nodeOnly}, {@code node} is its one subcommand. Picocli inspects
   * every registered command's fields, so registering the checkers' commands would load their
   * classes: {@code refraft node} runs without the checkers' and testbed's jars (bin/refraft starts
   * it with {@code node.classpath}, and the node ITs start their nodes that way: {@code ClusterFixture.nodeClassPath}).
   */
  static CommandLine commandLine(boolean nodeOnly) {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand(new CommandLine.HelpCommand());
    if (nodeOnly) {
      cli.addSubcommand(new NodeCommand());
    } else {
      for (Object c : new Object[] {new SpecCommand(), new CheckCommand(), new VerifyTraceCommand(), new NodeCommand(),
          new ClusterCommand(), new StatusCommand(), new AdminCommand(), new BenchCommand(), new KvCommand(), new SimulateCommand(),
          new TestCommand(), new ViewCommand()}) {
        cli.addSubcommand(c);
      }
    }
    // Bad usage is exit 2 everywhere; a checker's own result codes come from each command.
    cli.setExitCodeExceptionMapper(e -> e instanceof UserError ? EXIT_USAGE : 70);
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("refraft: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (ex instanceof UserError) {
        c.getErr().println("refraft: " + ex.getMessage());
        return EXIT_USAGE;
      }
      throw ex;
    });
    return cli;
  }

  /**
   * Reads the version and commit Maven filtered into {@code version.properties}: "refraft 0.2.0
   * (commit 0123456789ab)", with "+dirty" when the build's work tree had uncommitted changes and
   * "unknown" for a build made without git.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"refraft " + version() + " (commit " + commit() + ")"};
    }

    /** The release version, e.g. 0.2.0. */
    static String version() throws IOException {
      return property("version");
    }

    /** The abbreviated git commit, "+dirty" appended when the build had uncommitted changes; or "unknown". */
    static String commit() throws IOException {
      String c = property("commit");
      return c.equals("unknown") || !property("dirty").equals("true") ? c : c + "+dirty";
    }

    private static String property(String name) throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      String v = p.getProperty(name, "unknown").strip();
      // an unfiltered placeholder (classes run straight from an IDE's output) says nothing either
      return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }
  }
}
