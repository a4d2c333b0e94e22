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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble server --tls} for real, on its own data and ports: the Web UI reaches the server
 * with its own certificate, a worker and the CLI run a rollout over mTLS, and a client without a
 * certificate, with one from another CA, or in plain text is refused with what to fix (exit 3, as
 * for an unreachable server).
 *
 * <p>Its server's internal ports are those of the suite's shared server, which it stops: it runs
 * after every other class ({@code @Order}, e2e's junit-platform.properties), so the shared server
 * is not started a second time.
 */
@Order(Integer.MAX_VALUE)
class TlsServerTest {
  @TempDir Path dir;

  /** The worker's cache, outside the Amblefile's folder. */
  @TempDir Path cache;

  @Test
  void mtlsRunsARolloutAndRefusesClientsWithoutTheRightCertificate() throws Exception {
    TemporalServerProcess.stopForAnotherServer();
    Path data = dir.resolve("server");
    int port = LocalTemporal.anyFreePort();
    int uiPort = TemporalServerProcess.otherFreePort(port);
    int codecPort = TemporalServerProcess.otherFreePort(port, uiPort);
    String address = LocalTemporal.address(port);
    Instant begin = Instant.now();
    try {
      List<String> where =
          List.of(
              "--data-dir",
              data.toString(),
              "--port",
              Integer.toString(port),
              "--ui-port",
              Integer.toString(uiPort),
              "--codec-port",
              Integer.toString(codecPort));
      AmbleProcess.Result server = server(300, "--tls", where);
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
        // While the worker starts:
        // The Web UI's server reaches the frontend with its own client certificate.
        String namespaces = httpGet(LocalTemporal.webUiUrl(uiPort) + "/api/v1/namespaces");
        assertTrue(namespaces.contains("\"default\""), namespaces);

        // A second `amble server` (no --tls) finds the server and talks to it the way it runs.
        AmbleProcess.Result again = server(120, "--data-dir", where.subList(1, where.size()));
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.err().contains("The Temporal server already runs"), again.toString());
        assertTrue(again.err().contains("The codec server already runs"), again.toString());

        // Each start prints a one-time link for the Web UI's browser.
        assertTrue(again.err().contains(":" + codecPort + "/authorize#"), again.toString());
        // The codec server `amble server` started answers no one for the Web UI's origin alone
        // (any program can send that header), and programs with the token in the data folder.
        String token = Files.readString(data.resolve("codec-server.token")).strip();
        assertEquals(
            401, decode(codecPort, "Origin", LocalTemporal.webUiUrl(uiPort)), "a forged origin");
        assertEquals(
            200,
            decode(codecPort, "Authorization", "Bearer " + token),
            "the codec server decodes for the token's holder");

        AmbleProcess.Result run = AmbleProcess.run(dir, env, 180, "run");
        assertEquals(
            0, run.code(), run + "\n--- worker\n" + Files.readString(dir.resolve("worker.log")));
        assertTrue(run.out().contains("Done: 1 succeeded"), "the host walked: " + run);
      } finally {
        worker.destroy();
        worker.waitFor();
      }

      System.out.printf(
          "e2e: TLS server up to the rollout's end %ds%n",
          Duration.between(begin, Instant.now()).toSeconds());
      // Refused, each with what to fix (the four clients at once: each is a JVM start).
      Map<Map<String, String>, String> refusals = new java.util.LinkedHashMap<>();
      Map<String, String> noCertificate = new HashMap<>(env);
      noCertificate.remove("TEMPORAL_TLS_CLIENT_CERT_PATH");
      noCertificate.remove("TEMPORAL_TLS_CLIENT_KEY_PATH");
      refusals.put(
          noCertificate,
          "refused the connection: it requires a client certificate (mTLS): set"
              + " TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH");

      TlsCertificates other = new TlsCertificates(dir.resolve("other-ca"));
      assertTrue(other.ensure(Instant.now()), "a second CA, made the same way");
      Map<String, String> otherCa = new HashMap<>(env);
      otherCa.put("TEMPORAL_TLS_CLIENT_CERT_PATH", other.clientCert().toString());
      otherCa.put("TEMPORAL_TLS_CLIENT_KEY_PATH", other.clientKey().toString());
      refusals.put(
          otherCa,
          "refused the connection: it refused the client certificate "
              + other.clientCert()
              + ": it is not signed by a CA the server trusts");

      Map<String, String> plain = new HashMap<>(env);
      tls.clientEnvironment().keySet().forEach(plain::remove);
      refusals.put(
          plain,
          "refused the connection: it closed a plain-text connection, so it probably"
              + " requires TLS: set TEMPORAL_TLS=true");

      // And the client's side: a server certificate it has no CA for.
      Map<String, String> wrongTrust = new HashMap<>(env);
      wrongTrust.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", other.ca().toString());
      refusals.put(
          wrongTrust,
          "its certificate is not signed by a CA this client trusts: set"
              + " TEMPORAL_TLS_SERVER_CA_CERT_PATH");

      Map<String, CompletableFuture<AmbleProcess.Result>> statuses = new HashMap<>();
      refusals.forEach(
          (clientEnv, message) ->
              statuses.put(
                  message,
                  CompletableFuture.supplyAsync(
                      () -> AmbleProcess.run(dir, clientEnv, 60, "status"))));
      for (String message : refusals.values()) {
        AmbleProcess.Result r = statuses.get(message).get();
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains(message), "wanted «" + message + "» in " + r);
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
      }
      System.out.printf(
          "e2e: TlsServerTest up to the refusals' end %ds%n",
          Duration.between(begin, Instant.now()).toSeconds());
    } finally {
      AmbleProcess.Result stop =
          AmbleProcess.run(dir, Map.of(), 60, "server", "stop", "--data-dir", data.toString());
      assertEquals(0, stop.code(), stop.toString());
      assertTrue(stop.err().contains("Stopped the codec server"), stop.toString());
    }
  }

  /** `amble server` with {@code first} and then {@code rest} as its options. */
  private AmbleProcess.Result server(long timeoutSeconds, String first, List<String> rest) {
    List<String> args = new java.util.ArrayList<>(List.of("server", first));
    args.addAll(rest);
    return AmbleProcess.run(dir, Map.of(), timeoutSeconds, args.toArray(String[]::new));
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

  /** The status of an empty POST /decode with one header. */
  private static int decode(int codecPort, String header, String value) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + codecPort + "/decode"))
                .header(header, value)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"payloads\":[]}"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
