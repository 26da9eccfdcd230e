package io.refraft.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.refraft.impl.client.DefiniteFailure;
import io.refraft.impl.client.IndeterminateFailure;
import io.refraft.impl.client.RefraftClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code refraft kv}: one operation on the replicated key-value store through
 * {@link RefraftClient}. Prints the node's JSON answer on stdout.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
    description = {"One operation on the replicated key-value store; prints the JSON answer.",
        "Exit 0: done; 1: not found, cas mismatch, aborted txn or another refusal of the operation (it did not "
            + "happen); 2: bad usage or a request the node rejects as malformed (400/413); "
            + "3: outcome unknown (timeout, connection lost) or no leader reachable."},
    subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Delete.class, KvCommand.Cas.class,
        KvCommand.Append.class, KvCommand.Txn.class})
public final class KvCommand implements Runnable {
  static final int EXIT_REFUSED = 1;
  static final int EXIT_UNKNOWN = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing operation: get, put, delete, cas, append or txn");
  }

  /** Options every operation takes. */
  static final class Endpoints {
    @Option(names = "--endpoints", required = true, paramLabel = "URL,...",
        description = "node base URLs, e.g. http://127.0.0.1:7001,http://127.0.0.1:7002")
    String endpoints;

    @Option(names = "--timeout-ms", defaultValue = "10000", paramLabel = "MS",
        description = "give up after this long over all attempts (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Mixin ClientTlsOptions tls;

    RefraftClient client() {
      tls.apply();
      List<URI> urls = new ArrayList<>();
      for (String u : endpoints.split(",", -1)) {
        String url = u.strip().replaceAll("/+$", "");
        try {
          URI uri = URI.create(url);
          if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http URL");
          }
          urls.add(uri);
        } catch (IllegalArgumentException e) {
          throw new UserError("--endpoints: '" + u + "' is not an http(s)://HOST:PORT URL");
        }
      }
      if (timeoutMs < 1) {
        throw new UserError("--timeout-ms must be >= 1, got " + timeoutMs);
      }
      Duration total = Duration.ofMillis(timeoutMs);
      return new RefraftClient(urls, total.compareTo(Duration.ofSeconds(5)) < 0 ? total : Duration.ofSeconds(5), total,
          true);
    }
  }

  /** Runs {@code op}, prints its answer, and maps the outcome to an exit code. */
  static int run(picocli.CommandLine.Model.CommandSpec spec, Endpoints e, Function<RefraftClient, JsonNode> op) {
    PrintWriter out = spec.commandLine().getOut();
    try (RefraftClient c = e.client()) {
      JsonNode answer = op.apply(c);
      return Summary.print(out, line(answer, answer.path("found").asBoolean(true) ? 0 : EXIT_REFUSED));
    } catch (DefiniteFailure f) {
      JsonNode body = f.body().isMissingNode() ? JSON.createObjectNode().put("error", f.getMessage()) : f.body();
      if (f.status() == 0) {
        spec.commandLine().getErr().println("refraft: " + f.getMessage());
        return Summary.print(out, line(body, EXIT_UNKNOWN));
      }
      return Summary.print(out, line(body, f.status() == 400 || f.status() == 413 ? Main.EXIT_USAGE : EXIT_REFUSED));
    } catch (IndeterminateFailure f) {
      return Summary.print(out, line(JSON.createObjectNode().put("error", f.getMessage()).put("indeterminate", true),
          EXIT_UNKNOWN));
    } finally {
      out.flush();
    }
  }

  /**
   * The node's answer with the shared {@code valid} and {@code exit} in front (docs/json.md): valid
   * when the operation was done, false when the node refused it (absent key, failed compare),
   * unknown when it may or may not have been done or was malformed.
   */
  private static ObjectNode line(JsonNode answer, int exit) {
    Summary.Verdict v = exit == 0 ? Summary.Verdict.VALID : exit == EXIT_REFUSED ? Summary.Verdict.INVALID
        : Summary.Verdict.UNKNOWN;
    if (answer instanceof ObjectNode o) {
      return Summary.of(v, exit, o);
    }
    ObjectNode wrapped = Summary.of(v, exit);
    wrapped.set("answer", answer);
    return wrapped;
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Read a key (linearizable unless --stale). Exit 1 when absent.")
  static final class Get implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Option(names = "--stale", description = "read whichever node answers, without a quorum check") boolean stale;

    @Override
    public Integer call() {
      return run(spec, endpoints, c -> {
        Optional<JsonNode> v = stale ? c.getStale(key) : c.get(key);
        ObjectNode o = JSON.createObjectNode().put("found", v.isPresent());
        o.set("value", v.orElse(null));
        return o;
      });
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true, description = "Write a register.")
  static final class Put implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "VALUE") String value;

    @Override
    public Integer call() {
      return run(spec, endpoints, c -> JSON.createObjectNode().put("index", c.put(key, value)));
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a key.")
  static final class Delete implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;
    @Parameters(index = "0", paramLabel = "KEY") String key;

    @Override
    public Integer call() {
      return run(spec, endpoints, c -> JSON.createObjectNode().put("index", c.delete(key)));
    }
  }

  @Command(name = "cas", mixinStandardHelpOptions = true, description = "Compare-and-set a register: KEY TO, expecting --from (absent if not given). "
      + "Exit 1 on a mismatch, with the current value.")
  static final class Cas implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "TO") String to;
    @Option(names = "--from", paramLabel = "VALUE", description = "the expected value (default: the key is absent)")
    String from;

    @Override
    public Integer call() {
      return run(spec, endpoints, c -> JSON.createObjectNode().put("index", c.cas(key, Optional.ofNullable(from), to)));
    }
  }

  @Command(name = "append", mixinStandardHelpOptions = true, description = "Append to a list.")
  static final class Append implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;
    @Parameters(index = "0", paramLabel = "KEY") String key;
    @Parameters(index = "1", paramLabel = "VALUE") String value;

    @Override
    public Integer call() {
      return run(spec, endpoints, c -> JSON.createObjectNode().put("index", c.append(key, value)));
    }
  }

  @Command(name = "txn", mixinStandardHelpOptions = true, description = "Run a transaction: a JSON list of micro-ops, e.g. "
      + "'[[\"append\",\"x\",\"1\"],[\"r\",\"x\",null]]'. Exit 1 when it aborts.")
  static final class Txn implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Endpoints endpoints;
    @Parameters(index = "0", paramLabel = "MICRO-OPS") String ops;

    @Override
    public Integer call() {
      JsonNode parsed;
      try {
        parsed = JSON.readTree(ops);
      } catch (IOException e) {
        throw new UserError("MICRO-OPS is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
      }
      if (parsed == null || !parsed.isArray()) {
        throw new UserError("MICRO-OPS must be a JSON list of micro-ops");
      }
      JsonNode p = parsed;
      return run(spec, endpoints, c -> {
        ObjectNode o = JSON.createObjectNode();
        o.set("results", c.txn(p));
        return o;
      });
    }
  }
}
