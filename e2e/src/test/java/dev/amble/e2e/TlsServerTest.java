package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.LocalFleet;
import dev.amble.server.TlsCertificates;
import dev.amble.worker.LocalTemporal;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble server --tls} for real, on its own data and ports: the Web UI reaches the server
 * with its own certificate, a worker and the CLI run a rollout over mTLS, and a client without a
 * certificate, with one from another CA, or in plain text is refused with what to fix (exit 3, as
 * for an unreachable server).
 */
class TlsServerTest {
  @TempDir Path dir;

  /** The worker's cache, outside the Amblefile's folder. */
  @TempDir Path cache;

  @Test
  void mtlsRunsARolloutAndRefusesClientsWithoutTheRightCertificate() throws Exception {
    TemporalServerProcess.stopForAnotherServer();
    Path data = dir.resolve("server");
    int port = LocalTemporal.anyFreePort();
    int uiPort = LocalTemporal.anyFreePort();
    while (uiPort == port || uiPort == port + 1 || uiPort + 1 == port) {
      uiPort = LocalTemporal.anyFreePort();
    }
    String address = LocalTemporal.address(port);
    Instant begin = Instant.now();
    try {
      AmbleProcess.Result server =
          AmbleProcess.run(
              dir,
              Map.of(),
              300,
              "server",
              "--tls",
              "--data-dir",
              data.toString(),
              "--port",
              Integer.toString(port),
              "--ui-port",
              Integer.toString(uiPort));
      assertEquals(0, server.code(), server.toString());
      System.out.printf(
          "e2e: amble server --tls took %ds%n", Duration.between(begin, Instant.now()).toSeconds());
      TlsCertificates tls = new TlsCertificates(data.resolve("tls"));
      for (var setting : tls.clientEnvironment().entrySet()) {
        assertTrue(
            server.err().contains("export " + setting.getKey() + "=" + setting.getValue()),
            "prints " + setting.getKey() + ": " + server.err());
      }
      assertTrue(
          Files.readString(data.resolve("temporal.yaml")).contains("requireClientAuth: true"));

      // The Web UI's server reaches the frontend with its own client certificate.
      String namespaces = httpGet(LocalTemporal.webUiUrl(uiPort) + "/api/v1/namespaces");
      assertTrue(namespaces.contains("\"default\""), namespaces);

      // A second `amble server` (no --tls) finds the server and talks to it the way it runs.
      AmbleProcess.Result again =
          AmbleProcess.run(
              dir,
              Map.of(),
              120,
              "server",
              "--data-dir",
              data.toString(),
              "--port",
              Integer.toString(port),
              "--ui-port",
              Integer.toString(uiPort));
      assertEquals(0, again.code(), again.toString());
      assertTrue(again.err().contains("already runs"), again.toString());

      LocalFleet.create(dir, "tls", 1, (h, v) -> v.put("amble_state_become", false));
      Files.writeString(
          dir.resolve("Amblefile.yml"),
          """
          workspaces:
            secure: { host_pattern: fleet, workflow: patch, inventory: inventory.yml }
          workflows:
            patch:
              jobs: [ { job: patch } ]
          jobs:
            patch:
              become: false
              tasks:
                - ansible.builtin.command: echo over-mtls
          """);
      Map<String, String> env = new HashMap<>(tls.clientEnvironment());
      env.put("TEMPORAL_ADDRESS", address);
      env.put("AMBLE_TASK_QUEUE", "tls-" + UUID.randomUUID());
      env.put("AMBLE_CODEC_KEY_FILE", data.resolve("codec.key").toString());
      env.put("XDG_CACHE_HOME", cache.toString());
      Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
      try {
        AmbleProcess.Result run = AmbleProcess.run(dir, env, 180, "run");
        assertEquals(
            0, run.code(), run + "\n--- worker\n" + Files.readString(dir.resolve("worker.log")));
        assertTrue(run.out().contains("tls01"), "the host walked: " + run);
      } finally {
        worker.destroy();
        worker.waitFor();
      }

      System.out.printf(
          "e2e: TLS server up to the rollout's end %ds%n",
          Duration.between(begin, Instant.now()).toSeconds());
      // Refused, each with what to fix.
      Map<String, String> noCertificate = new HashMap<>(env);
      noCertificate.remove("TEMPORAL_TLS_CLIENT_CERT_PATH");
      noCertificate.remove("TEMPORAL_TLS_CLIENT_KEY_PATH");
      assertRefused(
          noCertificate,
          "refused the connection: it requires a client certificate (mTLS): set"
              + " TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH");

      TlsCertificates other = new TlsCertificates(dir.resolve("other-ca"));
      assertTrue(other.ensure(Instant.now()), "a second CA, made the same way");
      Map<String, String> otherCa = new HashMap<>(env);
      otherCa.put("TEMPORAL_TLS_CLIENT_CERT_PATH", other.clientCert().toString());
      otherCa.put("TEMPORAL_TLS_CLIENT_KEY_PATH", other.clientKey().toString());
      assertRefused(
          otherCa,
          "refused the connection: it refused the client certificate "
              + other.clientCert()
              + ": it is not signed by a CA the server trusts");

      Map<String, String> plain = new HashMap<>(env);
      tls.clientEnvironment().keySet().forEach(plain::remove);
      assertRefused(
          plain,
          "refused the connection: it closed a plain-text connection, so it probably"
              + " requires TLS: set TEMPORAL_TLS=true");

      // And the client's side: a server certificate it has no CA for.
      Map<String, String> wrongTrust = new HashMap<>(env);
      wrongTrust.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", other.ca().toString());
      assertRefused(
          wrongTrust,
          "its certificate is not signed by a CA this client trusts: set"
              + " TEMPORAL_TLS_SERVER_CA_CERT_PATH");
    } finally {
      AmbleProcess.Result stop =
          AmbleProcess.run(dir, Map.of(), 60, "server", "stop", "--data-dir", data.toString());
      assertEquals(0, stop.code(), stop.toString());
    }
  }

  private void assertRefused(Map<String, String> env, String message) {
    AmbleProcess.Result r = AmbleProcess.run(dir, env, 60, "status");
    assertEquals(3, r.code(), r.toString());
    assertTrue(r.err().contains(message), "wanted «" + message + "» in " + r);
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
  }

  private static String httpGet(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    try {
      assertEquals(200, c.getResponseCode(), url);
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }
}
