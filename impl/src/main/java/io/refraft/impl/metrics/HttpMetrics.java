package io.refraft.impl.metrics;

import io.refraft.impl.http.Handler;
import io.refraft.impl.http.Request;

/**
 * Requests to the node's API by route, method and status, and their latency by route. The route is
 * the path's pattern ({@code /kv/{key}}, not the key), so the number of series stays fixed whatever
 * clients send; an unknown path counts as {@code other}. Counters are looked up once per
 * route, method and status and kept in arrays, so a request allocates nothing here.
 */
final class HttpMetrics {
  /** The API's routes (impl/README.md, "The node process" and "KV HTTP API"). */
  enum Route {
    STATUS("/status"), METRICS("/metrics"), PROPOSE("/propose"), ADMIN_BLOCK("/admin/block"), LOG("/log"),
    KV("/kv/{key}"), KV_CAS("/kv/{key}/cas"), KV_APPEND("/kv/{key}/append"), TXN("/txn"), SESSION("/session"),
    OTHER("other");

    final String pattern;

    Route(String pattern) {
      this.pattern = pattern;
    }

    static Route of(String path) {
      if (path.startsWith("/kv/")) {
        return path.endsWith("/cas") ? KV_CAS : path.endsWith("/append") ? KV_APPEND : KV;
      }
      return switch (path) {
        case "/status" -> STATUS;
        case "/metrics" -> METRICS;
        case "/propose" -> PROPOSE;
        case "/admin/block" -> ADMIN_BLOCK;
        case "/log" -> LOG;
        case "/txn" -> TXN;
        case "/session" -> SESSION;
        default -> OTHER;
      };
    }
  }

  private static final String[] METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD", "other"};
  private static final int MAX_STATUS = 600;

  private final MetricsRegistry.Labeled<Counter> requests;
  private final Histogram[] latency;
  /** Per route and method, counters by status, filled on first use (a race only looks the same child up twice). */
  private final Counter[][] byStatus = new Counter[Route.values().length * METHODS.length][];

  HttpMetrics(MetricsRegistry registry) {
    requests = registry.counters("refraft_http_requests_total",
        "HTTP requests answered by the node's API, by route pattern, method and status code", "route", "method", "code");
    MetricsRegistry.Labeled<Histogram> h = registry.histograms("refraft_http_request_duration_seconds",
        "Time from a request's parsed head to its answer written, by route pattern",
        Histogram.Buckets.secondsFromNanos(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10), "route");
    latency = new Histogram[Route.values().length];
    for (Route r : Route.values()) {
      latency[r.ordinal()] = h.labels(r.pattern);
    }
  }

  /** {@code handler}, counted. A handler that throws or sends nothing is answered 500 by the server. */
  Handler wrap(Handler handler) {
    return (req, res) -> {
      long t0 = System.nanoTime();
      Route route = Route.of(req.path());
      try {
        handler.handle(req, res);
      } finally {
        latency[route.ordinal()].observe(System.nanoTime() - t0);
        int status = res.status();
        counter(route, method(req), status == 0 ? 500 : status).increment();
      }
    };
  }

  private static int method(Request req) {
    String m = req.method();
    for (int i = 0; i < METHODS.length - 1; i++) {
      if (METHODS[i].equals(m)) {
        return i;
      }
    }
    return METHODS.length - 1;
  }

  private Counter counter(Route route, int method, int status) {
    int row = route.ordinal() * METHODS.length + method;
    Counter[] codes = byStatus[row];
    if (codes == null) {
      codes = new Counter[MAX_STATUS];
      byStatus[row] = codes;
    }
    int code = status >= 0 && status < MAX_STATUS ? status : 0;
    Counter c = codes[code];
    if (c == null) {
      c = requests.labels(route.pattern, METHODS[method], Integer.toString(status));
      codes[code] = c;
    }
    return c;
  }
}
