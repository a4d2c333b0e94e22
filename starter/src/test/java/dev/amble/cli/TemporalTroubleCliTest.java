package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI says when Temporal is not as configured: unreachable, a namespace it lacks, half a
 * client certificate, a failed request. Always one line (or two) on stderr, never a stack trace,
 * and never exit code 1 (which speaks of the rollout).
 */
class TemporalTroubleCliTest {
  @TempDir Path dir;

  static final String AMBLEFILE =
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

  @BeforeEach
  void amblefile() throws IOException {
    Files.writeString(dir.resolve("Amblefile.yml"), AMBLEFILE);
    Files.writeString(dir.resolve("inventory.yml"), "fleet:\n  hosts:\n    h01: {}\n");
  }

  static String closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void onlyRunAndCheckSuggestEmbedded() throws IOException {
    Map<String, String> nowhere = Map.of("TEMPORAL_ADDRESS", closedPort());
    for (String command : new String[] {"status", "catch", "release"}) {
      CliRun r = CliRun.run(dir, nowhere, command);
      assertEquals(3, r.code(), r.toString());
      assertTrue(r.err().startsWith("amble: Temporal is unreachable at " + nowhere.get("TEMPORAL_ADDRESS")), r.err());
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
  void aClientCertificateWithoutItsKeyIsBadInput() throws IOException {
    String address = closedPort();
    CliRun cert =
        CliRun.run(dir, Map.of("TEMPORAL_ADDRESS", address, "TEMPORAL_TLS_CLIENT_CERT_PATH", "/etc/amble/client.pem"), "status");
    assertEquals(2, cert.code(), cert.toString());
    assertEquals(
        "amble: TEMPORAL_TLS_CLIENT_CERT_PATH is set without TEMPORAL_TLS_CLIENT_KEY_PATH: a client"
            + " certificate (mTLS) needs both\n",
        cert.err());
    CliRun key =
        CliRun.run(dir, Map.of("TEMPORAL_ADDRESS", address, "TEMPORAL_TLS_CLIENT_KEY_PATH", "/etc/amble/client.key"), "catch");
    assertEquals(2, key.code(), key.toString());
    assertTrue(key.err().startsWith("amble: TEMPORAL_TLS_CLIENT_KEY_PATH is set without TEMPORAL_TLS_CLIENT_CERT_PATH"), key.err());
  }
}
