package dev.amble.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import dev.amble.amblefile.HealthCheck;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.worker.HealthCheckActivitiesImpl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health health checks for real: HTTP probes against a server on this machine, Ansible tasks on
 * local hosts.
 */
class HealthCheckActivitiesTest {
  @TempDir static Path dir;
  static HttpServer http;
  static LocalFleet fleet;
  static HealthCheckActivitiesImpl healthChecks;

  @BeforeAll
  static void setUp() throws Exception {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          int status = path.contains("/down") || path.contains("/web02/") ? 503 : 200;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    http.start();
    fleet = LocalFleet.create(dir, "lb", 2, (h, v) -> v.put("pool_size", h.equals("lb01") ? 4 : 1));
    healthChecks =
        new HealthCheckActivitiesImpl(
            new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()));
  }

  @AfterAll
  static void tearDown() {
    http.stop(0);
  }

  static HealthCheckRequest request(HealthCheck healthCheck, Optional<String> host) {
    return new HealthCheckRequest(
        healthCheck,
        "prod",
        dir.toString(),
        Optional.of(fleet.inventory().toString()),
        host,
        2,
        false);
  }

  static HealthCheck http(String url) {
    return new HealthCheck(
        "probe",
        new HealthCheck.Probe.Http(url, 200),
        HealthCheck.OnFailure.CATCH,
        Duration.ofSeconds(5));
  }

  String base() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @Test
  void anHttpProbeFillsInTheHostAndChecksTheStatus() {
    assertEquals(
        new HealthCheckAnswer(true, ""),
        healthChecks.run(
            request(http(base() + "/{workspace}/{host}/health"), Optional.of("web01"))));
    HealthCheckAnswer down =
        healthChecks.run(
            request(http(base() + "/{workspace}/{host}/health?wave={wave}"), Optional.of("web02")));
    assertEquals(
        new HealthCheckAnswer(
            false, "GET " + base() + "/prod/web02/health?wave=2: status 503, expected 200"),
        down);
  }

  @Test
  void anHttpProbeNobodyAnswersFails() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    HealthCheckAnswer refused =
        healthChecks.run(request(http("http://127.0.0.1:" + closed + "/health"), Optional.empty()));
    assertFalse(refused.passed());
    assertTrue(
        refused.message().startsWith("GET http://127.0.0.1:" + closed + "/health: "),
        refused.message());
  }

  static HealthCheck tasks(String hosts, String yaml) throws Exception {
    ArrayNode tasks =
        (ArrayNode)
            new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(yaml);
    return new HealthCheck(
        "pool",
        new HealthCheck.Probe.Tasks(hosts, tasks, false),
        HealthCheck.OnFailure.CATCH,
        Duration.ofMinutes(2));
  }

  @Test
  void ansibleTasksRunOnTheGroupWithTheHostBeingWalked() throws Exception {
    HealthCheck healthCheck =
        tasks(
            "fleet",
            """
            - name: enough members in the pool without the host
              ansible.builtin.assert:
                that: pool_size | int > 1 or amble_host == "spare"
                fail_msg: "{{ inventory_hostname }} would have {{ pool_size | int - 1 }} members without {{ amble_host }}"
            """);
    assertEquals(
        new HealthCheckAnswer(true, ""),
        healthChecks.run(request(healthCheck, Optional.of("spare"))));
    HealthCheckAnswer failed = healthChecks.run(request(healthCheck, Optional.of("web07")));
    assertFalse(failed.passed());
    assertTrue(
        failed
            .message()
            .startsWith(
                "lb02: enough members in the pool without the host: lb02 would have 0 members without web07"),
        failed.message());
  }

  @Test
  void ansibleTasksOnAGroupWithNoHostFail() throws Exception {
    HealthCheckAnswer none =
        healthChecks.run(
            request(tasks("no-such-group", "- ansible.builtin.ping: {}\n"), Optional.empty()));
    assertFalse(none.passed());
    assertTrue(none.message().startsWith("no host matches \"no-such-group\""), none.message());
  }

  /**
   * In a dry run (amble check), a health check's Ansible tasks run under --check: nothing changes.
   */
  @Test
  void ansibleTasksOfADryRunChangeNothing() throws Exception {
    Path marker = dir.resolve("dry-run-marker");
    HealthCheck healthCheck =
        tasks(
            "fleet",
            "- ansible.builtin.copy: { dest: \""
                + marker
                + "\", content: \"changed\" }\n  run_once: true\n");
    HealthCheckRequest dry =
        new HealthCheckRequest(
            healthCheck,
            "prod",
            dir.toString(),
            Optional.of(fleet.inventory().toString()),
            Optional.empty(),
            1,
            true);
    assertEquals(new HealthCheckAnswer(true, ""), healthChecks.run(dry));
    assertFalse(java.nio.file.Files.exists(marker), "a dry run's check changed the host");
    assertEquals(
        new HealthCheckAnswer(true, ""), healthChecks.run(request(healthCheck, Optional.empty())));
    assertTrue(
        java.nio.file.Files.exists(marker), "the same check outside a dry run does change it");
  }
}
