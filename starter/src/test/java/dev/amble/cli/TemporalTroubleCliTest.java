package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import io.grpc.Status;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI says when Temporal is not as configured: unreachable, a namespace it lacks, half a
 * client certificate, a failed request. Always one line (or two) on stderr, never a stack trace,
 * and never exit code 1 (which speaks of the rollout).
 */
public class TemporalTroubleCliTest {
  @TempDir Path dir;

  public static final String AMBLEFILE =
      """
      workspaces:
        fleet: { host_pattern: fleet, workflow: patch, inventory: inventory.yml }
      workflows:
        patch:
          jobs: [ { job: patch } ]
      jobs:
        patch:
          become: false
          tasks: [ { ansible.builtin.ping: {} } ]
      """;

  /** An Amblefile and its inventory (of one host, never contacted) in {@code dir}. */
  public static void amblefile(Path dir, String amblefile) throws IOException {
    Files.writeString(dir.resolve("Amblefile.yml"), amblefile);
    Files.writeString(dir.resolve("inventory.yml"), "fleet:\n  hosts:\n    h01: {}\n");
  }

  @BeforeEach
  void amblefile() throws IOException {
    amblefile(dir, AMBLEFILE);
  }

  static String closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void portSettingsAreCheckedBeforeAnythingStarts() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      CliRun r = CliRun.run(dir, "check", "--embedded", "--embedded-port", port);
      assertEquals(2, r.code(), r.toString());
      assertEquals(
          "amble: --embedded-port: port " + port + " on 127.0.0.1 is taken by another program\n",
          r.err());
    }
    CliRun alone = CliRun.run(dir, "run", "--embedded-port", "0");
    assertEquals(2, alone.code(), alone.toString());
    assertEquals("amble: --embedded-port goes with --embedded\n", alone.err());
    CliRun shared = CliRun.run(dir, "server", "--port", "8300", "--ui-port", "8300", "status");
    assertEquals(2, shared.code(), shared.toString());
    assertEquals("amble: server: the server and the Web UI cannot share port 8300\n", shared.err());
  }

  @Test
  void onlyRunAndCheckSuggestEmbedded() throws IOException {
    Map<String, String> nowhere = Map.of("TEMPORAL_ADDRESS", closedPort());
    for (String command : new String[] {"status", "catch", "release"}) {
      CliRun r = CliRun.run(dir, nowhere, command);
      assertEquals(3, r.code(), r.toString());
      assertTrue(
          r.err()
              .startsWith("amble: Temporal is unreachable at " + nowhere.get("TEMPORAL_ADDRESS")),
          r.err());
      assertTrue(r.err().endsWith("(or point TEMPORAL_ADDRESS at yours).\n"), r.err());
      assertFalse(r.err().contains("--embedded"), command + " has no --embedded: " + r.err());
    }
    for (String command : new String[] {"run", "check"}) {
      CliRun r = CliRun.run(dir, nowhere, command);
      assertEquals(3, r.code(), r.toString());
      assertTrue(r.err().contains("or add --embedded to run one inside this command"), r.err());
    }
  }

  @Test
  void aNamespaceTheServerLacksIsBadInput() {
    try (TestTemporal temporal = TestTemporal.start()) {
      Map<String, String> env = new HashMap<>(temporal.env());
      env.put("TEMPORAL_NAMESPACE", "nope");
      for (String command : new String[] {"status", "catch", "release", "run"}) {
        CliRun r = CliRun.run(dir, env, command);
        assertEquals(2, r.code(), r.toString());
        assertEquals(
            "amble: namespace nope does not exist at "
                + temporal.address
                + " (set by TEMPORAL_NAMESPACE)\n",
            r.err(),
            command);
      }
      CliRun option = CliRun.run(dir, temporal.env(), "status", "--namespace", "other");
      assertEquals(
          "amble: namespace other does not exist at "
              + temporal.address
              + " (set by --namespace)\n",
          option.err());
      CliRun fine = CliRun.run(dir, temporal.env(), "status");
      assertEquals(2, fine.code(), fine.toString());
      assertTrue(fine.err().startsWith("amble: workspace fleet has no rollout"), fine.err());
    }
  }

  @Test
  void aClientCertificateWithoutItsKeyIsBadInput() throws IOException {
    String address = closedPort();
    CliRun cert =
        CliRun.run(
            dir,
            Map.of(
                "TEMPORAL_ADDRESS",
                address,
                "TEMPORAL_TLS_CLIENT_CERT_PATH",
                "/etc/amble/client.pem"),
            "status");
    assertEquals(2, cert.code(), cert.toString());
    assertEquals(
        "amble: TEMPORAL_TLS_CLIENT_CERT_PATH is set without TEMPORAL_TLS_CLIENT_KEY_PATH: a client"
            + " certificate (mTLS) needs both\n",
        cert.err());
    CliRun key =
        CliRun.run(
            dir,
            Map.of(
                "TEMPORAL_ADDRESS",
                address,
                "TEMPORAL_TLS_CLIENT_KEY_PATH",
                "/etc/amble/client.key"),
            "catch");
    assertEquals(2, key.code(), key.toString());
    assertTrue(
        key.err()
            .startsWith(
                "amble: TEMPORAL_TLS_CLIENT_KEY_PATH is set without TEMPORAL_TLS_CLIENT_CERT_PATH"),
        key.err());
  }

  @Test
  void aFailedRequestIsOneLineAndExitCodeThree() {
    try (TestTemporal temporal =
        TestTemporal.start(
            TestTemporal.answer(
                WorkflowServiceGrpc.getDescribeWorkflowExecutionMethod(),
                r -> {
                  throw Status.RESOURCE_EXHAUSTED
                      .withDescription("consistent query buffer is full")
                      .asRuntimeException();
                }))) {
      CliRun r = CliRun.run(dir, temporal.env(), "status");
      assertEquals(3, r.code(), r.toString());
      assertEquals(
          "amble: Temporal failed a request: RESOURCE_EXHAUSTED: consistent query buffer is full (AMBLE_DEBUG=1 shows"
              + " where)\n",
          r.err());

      Map<String, String> debug = new HashMap<>(temporal.env());
      debug.put("AMBLE_DEBUG", "1");
      CliRun traced = CliRun.run(dir, debug, "status");
      assertEquals(3, traced.code(), traced.toString());
      assertTrue(
          traced.err().contains("\tat dev.amble.temporal.Executions.describe"), traced.err());
    }
  }

  @Test
  void anUnexpectedErrorIsOneLineAndExitCodeFour() {
    StringWriter err = new StringWriter();
    int code =
        Amble.unexpected(
            new IllegalStateException("the plan", new java.io.IOException("disk full")),
            Map.of(),
            new PrintWriter(err, true));
    assertEquals(ExitCode.INTERNAL_ERROR, code);
    assertEquals(
        "amble: unexpected error: java.lang.IllegalStateException: the plan, caused by java.io.IOException: disk full"
            + " (AMBLE_DEBUG=1 shows where)\n",
        err.toString());
  }
}
