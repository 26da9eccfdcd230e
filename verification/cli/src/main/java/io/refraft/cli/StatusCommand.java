package io.refraft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code refraft status}: one row per node endpoint; exit 1 when some node does not answer. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Print the status of the nodes at the given HTTP endpoints as a table.",
        "Exit 0: every node answered; 1: some did not; 2: bad usage."})
public final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--endpoints", required = true, paramLabel = "URL,...",
      description = "node base URLs, e.g. http://127.0.0.1:7001,http://127.0.0.1:7002")
  String endpoints;

  @picocli.CommandLine.Mixin ClientTlsOptions tls;

  @Override
  public Integer call() {
    tls.apply();
    List<String> urls = new ArrayList<>();
    for (String u : endpoints.split(",", -1)) {
      String url = u.strip().replaceAll("/+$", "");
      try {
        URI uri = URI.create(url);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http URL");
        }
      } catch (IllegalArgumentException e) {
        throw new UserError("--endpoints: '" + u + "' is not an http(s)://HOST:PORT URL");
      }
      urls.add(url);
    }
    PrintWriter out = spec.commandLine().getOut();
    String fmt = "%-24s %-6s %-12s %6s %-6s %8s %8s %8s  %s%n";
    out.printf(fmt, "ENDPOINT", "ID", "ROLE", "TERM", "LEADER", "COMMIT", "LAST", "APPLIED", "PEERS (match/next, connected)");
    int down = 0;
    for (String url : urls) {
      Optional<JsonNode> s = NodeClient.status(url);
      if (s.isEmpty()) {
        out.printf(fmt, url, "-", "unreachable", "-", "-", "-", "-", "-", "");
        down++;
        continue;
      }
      JsonNode n = s.get();
      StringBuilder peers = new StringBuilder();
      n.path("peers").properties().forEach(p -> {
        JsonNode v = p.getValue();
        peers.append(p.getKey()).append('=')
            .append(v.path("matchIndex").isNull() ? "-" : v.path("matchIndex").asText()).append('/')
            .append(v.path("nextIndex").isNull() ? "-" : v.path("nextIndex").asText())
            .append(v.path("connected").asBoolean() ? "" : " (down)").append("  ");
      });
      out.printf(fmt, url, n.path("id").asText(), n.path("role").asText(), n.path("term").asText(),
          n.path("leader").isNull() ? "-" : n.path("leader").asText(), n.path("commitIndex").asText(),
          n.path("lastLogIndex").asText(), n.path("lastApplied").asText(), peers.toString().strip());
    }
    ObjectNode summary = Summary.of(Summary.Verdict.of(down == 0));
    summary.put("nodes", urls.size()).put("unreachable", down);
    return Summary.print(out, summary);
  }
}
