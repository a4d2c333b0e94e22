package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules on the real server: a schedule whose starts come while a manual `amble run` holds the
 * workspace skips them and records why; once the workspace is free, the next start starts a
 * rollout; pause, update, unpause, trigger and delete work.
 */
class ScheduleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The worker's cache, outside the Amblefile's folder (which travels as content). */
  @TempDir Path cache;

  @Test
  void startsSkipsWhileTheWorkspaceIsHeldAndPausesAndDeletes() throws Exception {
    TemporalServerProcess.ensureRunning();
    // The job waits for this file: the manual rollout holds the workspace until the test lets go.
    Path go = cache.resolve("go");
    HeldWorkspace.create(dir, "sch", go);
    Map<String, String> env =
        new java.util.HashMap<>(TemporalServerProcess.env("schedules-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", cache.toString());
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
    try {
      AmbleProcess.Result run = AmbleProcess.run(dir, env, 120, "run", "--detach");
      assertEquals(0, run.code(), run.toString());
      Matcher m =
          Pattern.compile("workflow ID amble/default/fleet, run ([0-9a-f-]+)\\)")
              .matcher(run.out());
      assertTrue(m.find(), run.out());
      String manualRun = m.group(1);

      AmbleProcess.Result created =
          AmbleProcess.run(
              dir,
              env,
              120,
              "schedule",
              "create",
              "nightly",
              "-w",
              "fleet",
              "--cron",
              "@every 10s",
              "--time-zone",
              "Europe/Berlin",
              "--limit",
              "sch01");
      assertEquals(0, created.code(), created.toString());
      assertTrue(
          created.out().contains("Schedule nightly created (ID amble/@schedule/default/nightly)"),
          created.out());

      JsonNode skipped =
          await(
              env,
              "a start skipped while the manual run holds the workspace",
              d ->
                  outcomes(d)
                      .contains(
                          "skipped: already running amble/default/fleet (run " + manualRun + ")"));
      assertEquals("fleet", skipped.path("workspace").asText());
      assertEquals("sch01", skipped.path("limit").asText());
      assertEquals("Europe/Berlin", skipped.path("time_zone").asText());
      assertTrue(
          skipped.path("content").path("digest").asText().startsWith("sha256:"),
          skipped.toString());
      assertTrue(skipped.path("next_runs").size() > 0, skipped.toString());

      AmbleProcess.Result text = AmbleProcess.run(dir, env, 60, "schedule", "describe", "nightly");
      assertEquals(0, text.code(), text.toString());
      assertTrue(text.out().contains("skipped: already running amble/default/fleet"), text.out());

      Files.writeString(go, "");
      JsonNode started =
          await(env, "a scheduled rollout started", d -> outcomes(d).contains("started run"));
      Matcher s = Pattern.compile("started run ([0-9a-f-]+)").matcher(outcomes(started));
      assertTrue(s.find());
      assertTrue(!s.group(1).equals(manualRun), "a rollout of its own");

      AmbleProcess.Result paused =
          AmbleProcess.run(dir, env, 60, "schedule", "pause", "nightly", "--note", "change freeze");
      assertEquals(0, paused.code(), paused.toString());
      JsonNode p = describe(env);
      assertTrue(p.path("paused").asBoolean(), p.toString());
      assertEquals("change freeze", p.path("note").asText());
      assertEquals(0, p.path("next_runs").size(), p.toString());
      AmbleProcess.Result list =
          AmbleProcess.run(dir, env, 60, "schedule", "list", "--output", "json");
      assertEquals(0, list.code(), list.toString());
      JsonNode listed = JSON.readTree(list.out());
      assertEquals(1, listed.size(), list.out());
      assertEquals("nightly", listed.get(0).path("name").asText());
      assertTrue(listed.get(0).path("paused").asBoolean());

      // update packs again and keeps the calendar and the pause; unpause and trigger answer.
      AmbleProcess.Result updated =
          AmbleProcess.run(dir, env, 120, "schedule", "update", "nightly", "--limit", "sch*");
      assertEquals(0, updated.code(), updated.toString());
      assertTrue(
          updated.out().contains("Schedule nightly updated: workspace fleet"), updated.out());
      JsonNode u = describe(env);
      assertEquals("sch*", u.path("limit").asText(), u.toString());
      assertEquals("@every 10s", u.path("cron").asText());
      assertEquals("Europe/Berlin", u.path("time_zone").asText());
      assertTrue(u.path("paused").asBoolean(), "an update keeps the pause: " + u);
      AmbleProcess.Result unpaused =
          AmbleProcess.run(dir, env, 60, "schedule", "unpause", "nightly");
      assertEquals(0, unpaused.code(), unpaused.toString());
      AmbleProcess.Result triggered =
          AmbleProcess.run(dir, env, 60, "schedule", "trigger", "nightly");
      assertEquals(0, triggered.code(), triggered.toString());
      assertTrue(!describe(env).path("paused").asBoolean());

      AmbleProcess.Result deleted = AmbleProcess.run(dir, env, 60, "schedule", "delete", "nightly");
      assertEquals(0, deleted.code(), deleted.toString());
      AmbleProcess.Result gone = AmbleProcess.run(dir, env, 60, "schedule", "describe", "nightly");
      assertEquals(2, gone.code(), gone.toString());
      assertTrue(gone.err().contains("has no schedule nightly"), gone.err());
    } finally {
      worker.destroy();
      worker.waitFor();
    }
  }

  private JsonNode describe(Map<String, String> env) throws Exception {
    AmbleProcess.Result r =
        AmbleProcess.run(dir, env, 60, "schedule", "describe", "nightly", "--output", "json");
    assertEquals(0, r.code(), r.toString());
    return JSON.readTree(r.out());
  }

  private static String outcomes(JsonNode d) {
    StringBuilder all = new StringBuilder();
    d.path("recent").forEach(a -> all.append(a.path("outcome").asText()).append('\n'));
    return all.toString();
  }

  private JsonNode await(Map<String, String> env, String what, Predicate<JsonNode> condition)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = describe(env);
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(what + " never happened; last: " + last);
  }
}
