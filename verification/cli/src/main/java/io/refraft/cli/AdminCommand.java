package io.refraft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code refraft admin}: operations on running nodes. */
@Command(name = "admin", mixinStandardHelpOptions = true, subcommands = AdminCommand.Snapshot.class,
    description = "Operations on running nodes.")
public final class AdminCommand {

  /** {@code refraft admin snapshot}: every named node snapshots its state machine and compacts its log. */
  @Command(name = "snapshot", mixinStandardHelpOptions = true,
      description = {"Make each node at the given endpoints take a snapshot of everything it has applied and compact "
          + "its log (POST /admin/snapshot); prints each node's snapshot index.",
          "Exit 0: every node took one; 1: some did not answer or refused; 2: bad usage."})
  static final class Snapshot implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--endpoints", required = true, paramLabel = "URL,...",
        description = "node base URLs, e.g. http://127.0.0.1:7001,http://127.0.0.1:7002")
    String endpoints;

    @Option(names = "--timeout-ms", defaultValue = "15000", paramLabel = "MS",
        description = "how long to wait for each node (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @picocli.CommandLine.Mixin ClientTlsOptions tls;

    @Override
    public Integer call() {
      tls.apply();
      PrintWriter out = spec.commandLine().getOut();
      int failed = 0;
      String[] urls = endpoints.split(",", -1);
      for (String u : urls) {
        String url = checkedUrl(u);
        Optional<NodeClient.Answer> a = NodeClient.post(url, "/admin/snapshot", Duration.ofMillis(timeoutMs));
        if (a.isPresent() && a.get().status() == 200) {
          out.printf("%-28s snapshot at index %s%n", url, a.get().body().path("index").asText());
        } else {
          failed++;
          out.printf("%-28s %s%n", url, a.map(x -> "refused (" + x.status() + "): " + x.body().path("error").asText())
              .orElse("no answer"));
        }
      }
      ObjectNode summary = Summary.of(Summary.Verdict.of(failed == 0));
      summary.put("nodes", urls.length).put("failed", failed);
      return Summary.print(out, summary);
    }

    private static String checkedUrl(String u) {
      String url = u.strip().replaceAll("/+$", "");
      try {
        URI uri = URI.create(url);
        if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http URL");
        }
      } catch (IllegalArgumentException e) {
        throw new UserError("--endpoints: '" + u + "' is not an http(s)://HOST:PORT URL");
      }
      return url;
    }
  }
}
