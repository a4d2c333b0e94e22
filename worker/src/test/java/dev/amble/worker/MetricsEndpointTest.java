package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.LocalFleet;
import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostWorkflow;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.host.Outcome;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's /metrics endpoint on a port of its choosing, over a real walk of two local hosts
 * (real Ansible, amble's real workflows and activities, Temporal's test server): amble's counters,
 * job timers and process gauge, and the SDK's own metrics, scraped over HTTP.
 */
class MetricsEndpointTest {
  static final String QUEUE = "amble-metrics-test";

  @TempDir Path dir;
  @TempDir Path hosts;
  @TempDir Path worker;

  final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aWalkOfTwoHostsIsCountedOnTheEndpoint() throws Exception {
    LocalFleet fleet =
        LocalFleet.create(
            hosts,
            "h",
            2,
            (host, vars) -> {
              vars.put("amble_state_become", false);
              vars.put("broken", host.equals("h02"));
            });
    Definition d =
        Definitions.write(
            dir,
            "fleet",
            """
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch, inventory: %s }
            workflows:
              patch:
                jobs: [ { job: patch } ]
                exit_jobs: [ { job: cleanup } ]
            jobs:
              patch:
                become: false
                tasks:
                  - ansible.builtin.fail: { msg: "the package mirror is down" }
                    when: broken | bool
              cleanup:
                become: false
                tasks: [ { ansible.builtin.ping: {} } ]
            """
                .formatted(fleet.inventory()));

    try (MetricsEndpoint endpoint =
            MetricsEndpoint.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofMillis(100));
        TestWorkflowEnvironment env =
            TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setMetricsScope(endpoint.scope()).build())) {
      assertTrue(endpoint.address().getPort() > 0, endpoint.url());
      AmbleWorker.register(
          env.getWorkerFactory(),
          new AmbleWorker.Settings(
              QUEUE,
              4,
              Optional.empty(),
              "worker@metrics-test",
              worker.resolve("content"),
              worker.resolve("workspaces")),
          LocalFleet.ansible(),
          System.getenv());
      warmUp(d);
      env.start();

      assertEquals(Outcome.SUCCEEDED, walk(env, d, "h01").outcome());
      assertEquals(Outcome.FAILED, walk(env, d, "h02").outcome());

      Map<String, String> host = Map.of("workflow_type", "HostWorkflow", "task_queue", QUEUE);
      Metrics m =
          awaitScrape(
              endpoint,
              // The gauge is reported when the scope next reports (every 100 ms), which may be
              // after the walk that ended the run completed: wait for it as for the counters.
              s ->
                  s.value("amble_hosts_finished_total", host) == 2
                      && s.value("temporal_workflow_completed_total", host) == 2
                      && s.value("amble_ansible_processes", Map.of()) == 0);
      assertEquals(2, m.value("amble_hosts_walked_total", host), m.text);
      assertEquals(1, m.value("amble_hosts_finished_total", with(host, "outcome", "succeeded")));
      assertEquals(1, m.value("amble_hosts_finished_total", with(host, "outcome", "failed")));
      assertEquals(0, m.value("amble_hosts_finished_total", with(host, "outcome", "skipped")));

      Map<String, String> runJob = Map.of("activity_type", "RunJob", "task_queue", QUEUE);
      assertEquals(
          1,
          m.value("amble_job_duration_seconds_count", with(runJob, "job", "patch", "status", "ok")),
          m.text);
      assertEquals(
          1,
          m.value(
              "amble_job_duration_seconds_count",
              with(runJob, "job", "patch", "status", "failed")));
      assertEquals(
          2,
          m.value(
              "amble_job_duration_seconds_count", with(runJob, "job", "cleanup", "status", "ok")));
      assertTrue(
          m.value("amble_job_duration_seconds_sum", with(runJob, "job", "patch")) > 0, m.text);
      // The buckets an operator's quantiles read: every run is at most 6h, none took under 0.1s.
      assertEquals(
          2,
          m.value("amble_job_duration_seconds_bucket", with(runJob, "job", "patch", "le", "+Inf")),
          m.text);
      assertEquals(
          2,
          m.value(
              "amble_job_duration_seconds_bucket", with(runJob, "job", "patch", "le", "21600.0")),
          m.text);
      assertEquals(
          12,
          m.text
              .lines()
              .filter(
                  l ->
                      l.startsWith("amble_job_duration_seconds_bucket{")
                          && l.contains("job=\"patch\",")
                          && l.contains("status=\"ok\""))
              .count(),
          m.text);
      // Every Ansible run has ended; the gauge exists (it went to 1 and back:
      // RunningProcessesTest).
      assertEquals(0, m.value("amble_ansible_processes", Map.of()), m.text);
      assertTrue(m.text.contains("\namble_ansible_processes"), m.text);

      // The SDK's own: what the README's alert rule reads, and the activities it ran.
      assertTrue(
          m.value(
                  "temporal_num_pollers",
                  Map.of("task_queue", QUEUE, "poller_type", "activity_task"))
              > 0,
          m.text);
      // The patch and cleanup jobs on both; the succeeded one finished in its cleanup run (the
      // last), the failed one not at all. Both prepared, in local activities (prepare-locally).
      assertEquals(
          4,
          m.value(
              "temporal_activity_execution_latency_seconds_count",
              Map.of("task_queue", QUEUE, "workflow_type", "HostWorkflow")),
          m.text);
      assertEquals(
          2,
          m.value(
              "temporal_local_activity_execution_latency_seconds_count",
              Map.of(
                  "task_queue",
                  QUEUE,
                  "workflow_type",
                  "HostWorkflow",
                  "activity_type",
                  "PrepareHost")),
          m.text);
    }
  }

  @Test
  void aTakenPortIsAClearError() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MetricsEndpoint.start(address));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "cannot serve metrics on "
                      + address.getAddress().getHostAddress()
                      + ":"
                      + taken.getLocalPort()
                      + ": "),
          e.getMessage());
    }
  }

  @Test
  void onlyMetricsIsServed() throws Exception {
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      HttpResponse<String> other =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint.url().replace("/metrics", "/other")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode());
      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint.url()))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
    }
  }

  @Test
  void theAddressComesFromTheFlagElseTheEnvironment() {
    Map<String, String> env = Map.of(MetricsEndpoint.ENV, "127.0.0.1:9464");
    assertEquals(Optional.empty(), MetricsEndpoint.address(Optional.empty(), Map.of()));
    assertEquals(Optional.empty(), MetricsEndpoint.address(Optional.empty(), Map.of("X", "1")));
    assertEquals(
        Optional.of(new InetSocketAddress("127.0.0.1", 9464)),
        MetricsEndpoint.address(Optional.empty(), env));
    assertEquals(
        Optional.of(new InetSocketAddress("127.0.0.1", 0)),
        MetricsEndpoint.address(Optional.of("127.0.0.1:0"), env));
    assertEquals(new InetSocketAddress(9464), MetricsEndpoint.parse(":9464"));
    assertEquals(new InetSocketAddress("::1", 9464), MetricsEndpoint.parse("[::1]:9464"));
    for (String bad : new String[] {"9464", "localhost", "127.0.0.1:x", "127.0.0.1:70000"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> MetricsEndpoint.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "' is not HOST:PORT"), e.getMessage());
    }
  }

  /**
   * Loads what a walk's first workflow task does (the input's Jackson, the workflow's classes): on
   * a busy machine a cold first task can pass the SDK's 1s deadlock detection and run again, which
   * counts the walk's start twice (workflow metrics are at least once; see HostMetrics).
   */
  static void warmUp(Definition d) {
    HostInput input = input(d, "h00");
    DataConverter json = DataConverter.getDefaultInstance();
    assertEquals(
        input, json.fromPayloads(0, json.toPayloads(input), HostInput.class, HostInput.class));
    assertEquals(HostWorkflowImpl.class, new HostWorkflowImpl().getClass());
  }

  static HostInput input(Definition d, String host) {
    return new HostInput(
        d, host, "amble/fleet", false, false, Duration.ofSeconds(30), false, 1, false);
  }

  static HostOutcome walk(TestWorkflowEnvironment env, Definition d, String host) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            HostWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId("amble/fleet/" + host)
                .build())
        .walk(input(d, host));
  }

  static Map<String, String> with(Map<String, String> labels, String... more) {
    Map<String, String> all = new HashMap<>(labels);
    for (int i = 0; i < more.length; i += 2) {
      all.put(more[i], more[i + 1]);
    }
    return all;
  }

  /**
   * Scrapes until {@code ready} holds: the SDK hands counters to the registry every report interval
   * (100ms here), not as they change.
   */
  Metrics awaitScrape(MetricsEndpoint endpoint, java.util.function.Predicate<Metrics> ready)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint.url())).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(
          r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
          r.headers().toString());
      Metrics m = new Metrics(r.body());
      if (ready.test(m)) {
        return m;
      }
      if (Instant.now().isAfter(deadline)) {
        Files.writeString(Path.of("target", "metrics-scrape.txt"), m.text);
        throw new AssertionError("the expected metrics never appeared:\n" + m.text);
      }
      Thread.sleep(50);
    }
  }

  /** A scrape in Prometheus' text format. */
  record Metrics(String text) {
    private static final Pattern LINE =
        Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    /** The sum over the series of {@code name} that carry every one of {@code labels}; 0: none. */
    double value(String name, Map<String, String> labels) {
      double sum = 0;
      Matcher line = LINE.matcher(text);
      while (line.find()) {
        if (!line.group(1).equals(name)) {
          continue;
        }
        Map<String, String> has = new HashMap<>();
        Matcher label = LABEL.matcher(line.group(2) == null ? "" : line.group(2));
        while (label.find()) {
          has.put(label.group(1), label.group(2));
        }
        if (has.entrySet().containsAll(labels.entrySet())) {
          sum += Double.parseDouble(line.group(3));
        }
      }
      return sum;
    }
  }
}
