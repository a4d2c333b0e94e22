package dev.amble.worker;

import com.sun.net.httpserver.HttpExchange;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's Prometheus endpoint: {@code GET /metrics} on the given address, with Temporal's SDK
 * metrics (the scope the worker's service stubs report to) and amble's own ({@code amble_*}), in
 * Prometheus' text format.
 */
public final class MetricsEndpoint implements AutoCloseable {
  public static final String PATH = "/metrics";

  /** The environment variable that sets the address when the flag is not given. */
  public static final String ENV = "AMBLE_METRICS_ADDRESS";

  /**
   * How often the SDK's counters and gauges reach the registry (timers go at once). Well under any
   * sensible scrape interval.
   */
  static final Duration REPORT_EVERY = Duration.ofSeconds(2);

  /**
   * amble's timer of job runs, with buckets so that an operator can take quantiles over workers.
   */
  static final String JOB_DURATION = "amble_job_duration";

  /**
   * The job timer's buckets (and +Inf): from seconds (a ping) to hours (a dist-upgrade and reboot),
   * a dozen series per job and status rather than the ~70 Micrometer would generate.
   */
  static final List<Duration> JOB_BUCKETS =
      List.of(
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(2),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(6));

  private final LimitedHttpServer server;
  private final PrometheusMeterRegistry registry;
  private final Scope scope;

  private MetricsEndpoint(LimitedHttpServer server, PrometheusMeterRegistry registry, Scope scope) {
    this.server = server;
    this.registry = registry;
    this.scope = scope;
  }

  /**
   * {@code HOST:PORT} (port 0: any free one), from the flag or else {@link #ENV}; empty when
   * neither is set (no endpoint).
   *
   * @throws IllegalArgumentException for anything but a host and a port 0-65535
   */
  public static Optional<InetSocketAddress> address(
      Optional<String> flag, Map<String, String> env) {
    Optional<String> text =
        flag.or(() -> Optional.ofNullable(env.get(ENV)))
            .map(String::strip)
            .filter(s -> !s.isEmpty());
    return text.map(MetricsEndpoint::parse);
  }

  static InetSocketAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    String bad = "metrics address '" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9464 or :9464)";
    if (colon < 0) {
      throw new IllegalArgumentException(bad);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(bad, e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(bad);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /**
   * Binds the address and serves at once.
   *
   * @throws IllegalArgumentException when the address is taken or not this machine's
   */
  public static MetricsEndpoint start(InetSocketAddress address) {
    return start(address, REPORT_EVERY);
  }

  static MetricsEndpoint start(InetSocketAddress address, Duration reportEvery) {
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "metrics address " + address.getHostString() + " does not resolve");
    }
    String where = address.getAddress().getHostAddress() + ":" + address.getPort();
    LimitedHttpServer server;
    try {
      server = LimitedHttpServer.create(address, "amble-metrics");
    } catch (BindException e) {
      throw new IllegalArgumentException(
          "cannot serve metrics on "
              + where
              + ": "
              + e.getMessage()
              + " (is another worker or program on that port?)",
          e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot serve metrics on " + where + ": " + e.getMessage(), e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(JOB_HISTOGRAM);
    Scope scope =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofMillis(reportEvery.toMillis()));
    MetricsEndpoint endpoint = new MetricsEndpoint(server, registry, scope);
    server.http().createContext(PATH, endpoint::handle);
    server.http().start();
    return endpoint;
  }

  private static final MeterFilter JOB_HISTOGRAM =
      new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(
            Meter.Id id, DistributionStatisticConfig config) {
          if (!id.getName().equals(JOB_DURATION)) {
            return config;
          }
          // Temporal's reporter asks every timer for Micrometer's ~70 generated buckets: these
          // replace them.
          return DistributionStatisticConfig.builder()
              .percentilesHistogram(false)
              .serviceLevelObjectives(
                  JOB_BUCKETS.stream().mapToDouble(b -> (double) b.toNanos()).toArray())
              .build()
              .merge(config);
        }
      };

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The scope to give the worker's service stubs: the SDK's metrics and amble's go through it. */
  public Scope scope() {
    return scope;
  }

  /** Where it listens (with the port chosen when 0 was asked). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** {@code http://host:port/metrics}, for the worker's start line. */
  public String url() {
    InetSocketAddress a = address();
    String host = a.getAddress().isAnyLocalAddress() ? "0.0.0.0" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + a.getPort() + PATH;
  }

  /** Reports what the scope holds, then stops serving. */
  @Override
  public void close() {
    try {
      scope.close();
    } catch (ScopeCloseException e) {
      // Only the last report is lost: the process is going away.
    }
    server.close();
    registry.close();
  }
}
