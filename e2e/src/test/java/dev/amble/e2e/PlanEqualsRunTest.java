package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plan = run: {@code amble plan --seed N} prints the order a real shuffled rollout started with
 * {@code amble run --seed N} walks, on the real server and a real worker, and the rollout records
 * that seed. One host at a time, each host's job appending its name to a file: the file's lines are
 * the order the hosts were really walked.
 */
class PlanEqualsRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Past 2^53: a seed that went through a double anywhere on its way would come out changed. */
  private static final long SEED = 9_007_199_254_740_993L;

  @TempDir Path dir;

  /** The worker's cache and the walk record, outside the Amblefile's folder (content). */
  @TempDir Path cache;

  @Test
  void aShuffledRolloutWalksInThePlansOrder() throws Exception {
    TemporalServerProcess.ensureRunning();
    LocalFleet.create(dir, "pr", 8, (h, v) -> v.put("amble_state_become", false));
    Path walks = cache.resolve("walks");
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          plan-equals-run:
            host_pattern: fleet
            workflow: record
            inventory: inventory.yml
            sort_order: shuffle
            concurrency: 1
        workflows:
          record:
            jobs: [ { job: record } ]
        jobs:
          record:
            become: false
            tasks:
              - ansible.builtin.shell: echo {{ inventory_hostname }} >> %s
        """
            .formatted(walks));
    Map<String, String> env =
        new HashMap<>(TemporalServerProcess.env("plan-equals-run-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", cache.toString());

    Instant began = Instant.now();
    List<String> planned = plan(env, SEED);
    List<String> sorted = new ArrayList<>(planned);
    sorted.sort(null);
    assertEquals(8, planned.size(), planned.toString());
    assertNotEquals(sorted, planned, "the seed shuffles the fleet");
    assertNotEquals(planned, plan(env, SEED + 1), "another seed, another order");

    Instant plansDone = Instant.now();
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
    try {
      AmbleProcess.Result run =
          AmbleProcess.run(
              dir, env, 180, "run", "-w", "plan-equals-run", "--seed", Long.toString(SEED));
      assertEquals(0, run.code(), run.toString());
      assertTrue(run.out().contains("seed " + SEED), run.out());

      assertEquals(planned, Files.readAllLines(walks), "the order the hosts were walked");
      System.out.printf(
          "e2e: two plans took %ds, the run of 8 hosts %ds%n",
          Duration.between(began, plansDone).toSeconds(),
          Duration.between(plansDone, Instant.now()).toSeconds());

      AmbleProcess.Result status =
          AmbleProcess.run(dir, env, 60, "status", "-w", "plan-equals-run", "--output", "json");
      assertEquals(0, status.code(), status.toString());
      JsonNode s = JSON.readTree(status.out());
      assertTrue(s.path("seed").isIntegralNumber(), status.out());
      assertEquals(SEED, s.path("seed").asLong(), "the rollout's recorded seed: " + status.out());
    } finally {
      worker.destroy();
      worker.waitFor();
    }
  }

  /** The walk order {@code amble plan --seed} prints, which records the seed it was given. */
  private List<String> plan(Map<String, String> env, long seed) throws Exception {
    AmbleProcess.Result r =
        AmbleProcess.run(
            dir,
            env,
            120,
            "plan",
            "-w",
            "plan-equals-run",
            "--seed",
            Long.toString(seed),
            "--output",
            "json");
    assertEquals(0, r.code(), r.toString());
    JsonNode p = JSON.readTree(r.out());
    assertEquals("shuffle", p.path("sort_order").asText(), r.out());
    assertEquals(seed, p.path("seed").asLong(), r.out());
    List<String> hosts = new ArrayList<>();
    for (JsonNode h : p.path("hosts")) {
      assertTrue(h.path("decision").asText().matches("walk|unknown"), r.out());
      hosts.add(h.path("host").asText());
    }
    return hosts;
  }
}
