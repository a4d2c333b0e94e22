package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.WorkspaceDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waves and a health check over real Ansible on local hosts: a canary, then waves of two; a
 * post-check (Ansible tasks on a monitoring host) fails for a host of the second wave and catches
 * the rollout before the third wave; released, the rollout finishes.
 */
class WavesRunTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aCanaryTwoWavesAndAPostCheckThatCatches() throws Exception {
    LocalFleet fleet =
        LocalFleet.create(dir, "h", 5, (host, vars) -> vars.put("amble_state_become", false));
    ObjectNode inventory = (ObjectNode) JSON.readTree(fleet.inventory().toFile());
    ((ObjectNode) inventory.get("all").get("children"))
        .putObject("monitor")
        .putObject("hosts")
        .putObject("monitor01")
        .put("ansible_connection", "local")
        .put("ansible_python_interpreter", LocalFleet.ansible().python().toString());
    Files.writeString(fleet.inventory(), JSON.writeValueAsString(inventory));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          fleet:
            host_pattern: fleet
            workflow: patch
            inventory: inventory.yml
            sort_order: ascending
            concurrency: 2
            waves: [1, 2]
            post_checks:
              host:
                - name: serving
                  hosts: monitor
                  tasks:
                    - name: the host serves again
                      ansible.builtin.assert:
                        that: amble_host != "h03"
                        fail_msg: "{{ amble_host }} does not serve"
        workflows:
          patch:
            jobs: [ { job: patch } ]
        jobs:
          patch:
            become: false
            tasks: [ { ansible.builtin.ping: {} } ]
        """);

    CliRun plan = CliRun.run(dir, "plan", "--output", "json");
    assertEquals(0, plan.code(), plan.toString());
    List<Integer> waves =
        JSON.readTree(plan.out()).findValues("wave").stream().map(JsonNode::asInt).toList();
    assertEquals(List.of(1, 2, 2, 3, 3), waves);

    EmbeddedRun embedded = EmbeddedRun.start(dir, "run");
    CompletableFuture<CliRun> run = embedded.run();
    Map<String, String> there = Map.of("TEMPORAL_ADDRESS", embedded.awaitAddress());
    JsonNode caught = null;
    for (int i = 0; i < 900 && caught == null; i++) {
      CliRun status = CliRun.run(dir, there, "status", "--output", "json");
      if (!status.out().isBlank()) {
        JsonNode s = JSON.readTree(status.out());
        if (s.path("phase").asText().equals("caught")) {
          caught = s;
        }
      }
      Thread.sleep(200);
    }
    assertTrue(caught != null, "the rollout never caught");
    assertEquals(2, caught.at("/progress/wave").asInt(), caught.toString());
    assertTrue(
        caught
            .at("/caught/reason")
            .asText()
            .startsWith(
                "check serving failed for host h03 (post): monitor01: the host serves again: h03 does not serve"),
        caught.toString());
    assertEquals(3, caught.at("/counts/succeeded").asInt(), caught.toString()); // h01, h02, h03
    for (String host : List.of("h04", "h05")) {
      assertFalse(
          Files.exists(WorkspaceDir.of(dir, "fleet").hostLogs(host)),
          host + " of wave 3 was touched");
    }
    // h01 was the canary: it finished before wave 2 began.
    // Its last run (01-patch, which finishes the host) was written to for the last time before
    // h02's first run began (the time in its log's first line; with no precondition, no walk
    // prepares).
    java.time.Instant h01Done =
        Files.getLastModifiedTime(
                WorkspaceDir.of(dir, "fleet")
                    .hostLogs("h01")
                    .resolve(firstLog(dir, "h01", "01-patch")))
            .toInstant();
    String header =
        Files.readAllLines(
                WorkspaceDir.of(dir, "fleet")
                    .hostLogs("h02")
                    .resolve(firstLog(dir, "h02", "01-patch")))
            .get(0);
    java.time.Instant h02Began =
        java.time.Instant.parse(header.substring("# amble: ".length(), header.indexOf("Z: ") + 1));
    assertTrue(h01Done.isBefore(h02Began), h01Done + " " + header);

    CliRun released = CliRun.run(dir, there, "release");
    assertEquals(0, released.code(), released.toString());
    CliRun finished = run.get(4, TimeUnit.MINUTES);
    assertEquals(0, finished.code(), finished.toString());
    assertTrue(finished.out().contains("Done: 5 succeeded"), finished.out());
  }

  /** The name of a host's first log of a step: it starts with the run's UTC time. */
  static String firstLog(Path dir, String host, String step) throws Exception {
    try (var files = Files.list(WorkspaceDir.of(dir, "fleet").hostLogs(host))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith("-" + step + ".log"))
          .sorted()
          .findFirst()
          .orElseThrow();
    }
  }
}
