package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * amble listen on the real server and a real RabbitMQ node: a run message delivered again while its
 * rollout runs, after it ended, and to a fresh listener after the first was killed (-9) starts one
 * rollout only, each redelivery acked as a duplicate; a stale release and a malformed message are
 * dead-lettered with their reason; the HTTP endpoint wants the token.
 */
class ListenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  /** The worker's and listener's cache, outside the Amblefile's folder (which travels). */
  @TempDir Path cache;

  @Test
  void startsOneRolloutPerMessageAndRefusesStaleAndMalformedOnes() throws Exception {
    TemporalServerProcess.ensureRunning();
    Path target = Path.of(System.getProperty("amble.home"), "e2e", "target");
    try (RabbitMqServer rabbit = RabbitMqServer.start(target)) {
      Path go = cache.resolve("go");
      HeldWorkspace.create(dir, "lst", go);
      Map<String, String> env =
          new HashMap<>(TemporalServerProcess.env("listen-" + UUID.randomUUID()));
      env.put("XDG_CACHE_HOME", cache.toString());
      String token = "t-" + UUID.randomUUID();
      env.put("AMBLE_LISTEN_TOKEN", token);
      Path urlFile = cache.resolve("amqp-url");
      Files.writeString(urlFile, rabbit.url() + "\n");
      String queue = "amble-" + rabbit.sentinel();

      AmbleProcess.Result put =
          AmbleProcess.run(dir, env, 120, "listen", "--put-content", "-w", "fleet");
      assertEquals(0, put.code(), put.toString());
      List<String> lines = put.out().strip().lines().toList();
      String digest = lines.get(lines.size() - 1);
      assertTrue(digest.matches("sha256:[0-9a-f]{64}"), put.out());

      Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
      int httpPort = freePort();
      Path log1 = dir.resolve("listen1.log");
      Process listener = listen(env, urlFile, queue, httpPort, log1);
      Path log2 = dir.resolve("listen2.log");
      Process second = null;
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(rabbit.url());
      try (Connection connection = factory.newConnection();
          Channel channel = connection.createChannel()) {
        awaitLog(log1, "Listening on http://", 1);
        assertTrue(!Files.readString(log1).contains("guest:guest"), "the URL is never logged");
        String endpoint = "http://127.0.0.1:" + httpPort + "/events";

        // The token: missing or wrong is 401 and nothing else is looked at.
        String catchMessage =
            "{\"id\":\"c-1\",\"action\":\"catch\",\"workspace\":\"fleet\",\"reason\":\"look\"}";
        assertEquals(401, post(endpoint, null, catchMessage).statusCode());
        assertEquals(401, post(endpoint, token + "x", catchMessage).statusCode());
        assertEquals(400, post(endpoint, token, "{\"id\":1}").statusCode());

        String run =
            """
            {"id": "deploy-1", "action": "run", "workspace": "fleet", "content": "%s",
             "limit": "lst01", "options": {"max_failures": "0"}}
            """
                .formatted(digest);
        publish(channel, queue, run);
        awaitLog(
            log1, "amqp:" + queue + ": accepted: launcher amble/@event/default/fleet/deploy-1", 1);
        JsonNode running =
            awaitStatus(
                env,
                "the event's rollout",
                s -> s.path("phase").asText().equals("walking") || s.path("inProgress").size() > 0);
        assertEquals("event amqp:" + queue + " deploy-1", running.path("startedBy").asText());
        String rollout = running.path("rollout").asText();
        long seed = running.path("seed").asLong();

        // Again while it runs: a duplicate.
        publish(channel, queue, run);
        awaitLog(log1, "amqp:" + queue + ": duplicate:", 1);

        // Caught over HTTP; a release naming another catch is stale: dead-lettered.
        HttpResponse<String> caught = post(endpoint, token, catchMessage);
        assertEquals(200, caught.statusCode(), caught.body());
        JsonNode c = awaitStatus(env, "caught", s -> s.path("caught").path("caught").asBoolean());
        String since = c.path("caught").path("since").asText();
        assertEquals("event http c-1", c.path("caught").path("by").asText());
        publish(
            channel,
            queue,
            "{\"id\":\"r-old\",\"action\":\"release\",\"workspace\":\"fleet\",\"catch\":\"1999-01-01T00:00:00Z\"}");
        GetResponse stale = dead(channel, queue);
        assertTrue(
            header(stale, "x-amble-reason")
                .startsWith("stale: the rollout is caught by the catch since " + since),
            header(stale, "x-amble-reason"));
        assertEquals("refused", header(stale, "x-amble-outcome"));
        // The release reuses the catch's message ID: an update of its own, applied (before, it
        // had the catch's update ID, so Temporal swallowed it and it was answered "accepted").
        String release =
            "{\"id\":\"c-1\",\"action\":\"release\",\"workspace\":\"fleet\",\"catch\":\""
                + since
                + "\"}";
        HttpResponse<String> released = post(endpoint, token, release);
        assertEquals(200, released.statusCode(), released.body());
        assertTrue(released.body().contains("\"outcome\":\"accepted\""), released.body());
        assertTrue(!status(env).path("caught").path("caught").asBoolean(), "released");
        // The catch again (the same message): a duplicate, and it catches nothing; so is the
        // release again.
        HttpResponse<String> again = post(endpoint, token, catchMessage);
        assertEquals(200, again.statusCode(), again.body());
        assertTrue(again.body().contains("\"outcome\":\"duplicate\""), again.body());
        assertTrue(!status(env).path("caught").path("caught").asBoolean(), "caught once only");
        HttpResponse<String> releasedAgain = post(endpoint, token, release);
        assertTrue(
            releasedAgain.body().contains("\"outcome\":\"duplicate\""), releasedAgain.body());

        // What the queue's grant lacks is dead-lettered as forbidden.
        publish(
            channel,
            queue,
            run.replace("deploy-1", "deploy-w").replace("\"max_failures\"", "\"waves\""));
        GetResponse forbidden = dead(channel, queue);
        assertEquals("forbidden", header(forbidden, "x-amble-outcome"));
        assertTrue(
            header(forbidden, "x-amble-reason").contains("may not override waves"),
            header(forbidden, "x-amble-reason"));

        // Malformed: dead-lettered with why.
        publish(channel, queue, "{\"id\": \"m-1\", \"action\": \"run\"");
        GetResponse malformed = dead(channel, queue);
        assertTrue(
            header(malformed, "x-amble-reason").startsWith("not JSON"),
            header(malformed, "x-amble-reason"));
        // An unknown content: 404 over HTTP.
        HttpResponse<String> unknown =
            post(
                endpoint,
                token,
                run.replace(digest, "sha256:" + "0".repeat(64))
                    .replace("deploy-1", "deploy-x")
                    // The endpoint's bare token overrides nothing.
                    .replace(", \"options\": {\"max_failures\": \"0\"}", ""));
        assertEquals(404, unknown.statusCode(), unknown.body());

        // The queue deleted under the listener: the broker cancels its consumer; the listener
        // declares the queue again and goes on consuming (before, it consumed no more).
        channel.queueDelete(queue);
        awaitQueue(connection, queue);
        publish(channel, queue, "{\"id\": \"m-2\"}");
        GetResponse afterDelete = dead(channel, queue);
        assertTrue(
            header(afterDelete, "x-amble-reason").startsWith("action is missing"),
            header(afterDelete, "x-amble-reason"));

        // After the rollout ended: still a duplicate.
        Files.writeString(go, "");
        awaitStatus(env, "the rollout ended", s -> s.path("phase").asText().equals("done"));
        publish(channel, queue, run);
        awaitLog(log1, "amqp:" + queue + ": duplicate:", 2);

        // Killed before its ack: the broker delivers again, to a fresh listener; a duplicate.
        listener.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        publish(channel, queue, run);
        second = listen(env, urlFile, queue, freePort(), log2);
        awaitLog(log2, "amqp:" + queue + ": duplicate:", 1);

        JsonNode last = status(env);
        assertEquals(rollout, last.path("rollout").asText(), "one rollout: " + last);
        assertEquals(
            seed, last.path("seed").asLong(), "the same rollout (a new one shuffles anew)");
        assertEquals("event amqp:" + queue + " deploy-1", last.path("startedBy").asText());
        String all = Files.readString(log1) + Files.readString(log2);
        assertEquals(
            1, count(all, ": accepted: launcher amble/@event/default/fleet/deploy-1"), all);
        assertTrue(!all.contains(token), "the token is never logged");
      } finally {
        listener.destroyForcibly().waitFor();
        if (second != null) {
          second.destroyForcibly().waitFor();
        }
        worker.destroy();
        worker.waitFor();
      }
    }
  }

  private Process listen(Map<String, String> env, Path urlFile, String queue, int port, Path log) {
    return AmbleProcess.start(
        dir,
        env,
        log,
        "listen",
        "--amqp-url-file",
        urlFile.toString(),
        "--queue",
        queue,
        "--queue-overrides",
        "max_failures",
        "--http-address",
        "127.0.0.1:" + port);
  }

  /** Waits until the queue exists (a passive declare that fails closes its channel). */
  private static void awaitQueue(Connection connection, String queue) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      try (Channel c = connection.createChannel()) {
        c.queueDeclarePassive(queue);
        return;
      } catch (java.io.IOException | com.rabbitmq.client.AlreadyClosedException e) {
        Thread.sleep(200); // not declared again yet
      }
    }
    throw new AssertionError("the listener never declared " + queue + " again");
  }

  private static void publish(Channel channel, String queue, String body) throws Exception {
    channel.basicPublish(
        "", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, body.getBytes(StandardCharsets.UTF_8));
  }

  /** The next dead-lettered message of the queue (the listener declared it). */
  private static GetResponse dead(Channel channel, String queue) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      GetResponse r = channel.basicGet(queue + ".dead", true);
      if (r != null) {
        return r;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("nothing was dead-lettered");
  }

  private static String header(GetResponse r, String name) {
    Object v = r.getProps().getHeaders().get(name);
    assertNotNull(v, name);
    return v.toString();
  }

  private static HttpResponse<String> post(String endpoint, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static void awaitLog(Path log, String line, int times) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    String text = "";
    while (Instant.now().isBefore(deadline)) {
      text = Files.exists(log) ? Files.readString(log) : "";
      if (count(text, line) >= times) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(times + "x \"" + line + "\" never came; log:\n" + text);
  }

  private JsonNode status(Map<String, String> env) throws Exception {
    AmbleProcess.Result r =
        AmbleProcess.run(dir, env, 60, "status", "-w", "fleet", "--output", "json");
    assertTrue(r.code() == 0 || r.code() == 1, r.toString());
    return JSON.readTree(r.out());
  }

  private JsonNode awaitStatus(Map<String, String> env, String what, Predicate<JsonNode> condition)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = status(env);
        if (condition.test(last)) {
          return last;
        }
      } catch (AssertionError | com.fasterxml.jackson.core.JsonProcessingException e) {
        // no rollout yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + " never happened; last: " + last);
  }

  private static int freePort() throws Exception {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
