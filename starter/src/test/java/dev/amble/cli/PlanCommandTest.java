package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble plan} over 20 local hosts whose facts real Ansible wrote into its jsonfile cache
 * ({@code ansible -m setup}): every host gets the decision and the reason its data calls for.
 */
class PlanCommandTest {
  @TempDir static Path dir;
  static LocalFleet fleet;

  static final String AMBLEFILE =
      """
      workspaces:
        fleet:
          host_pattern: fleet
          workflow: upgrade
          inventory: inventory.yml
          sort_order: ascending
      workflows:
        upgrade:
          jobs:
            - job: check-role
            - job: upgrade
              options: { target_version: 99 }
      jobs:
        check-role:
          preconditions: facts.ansible_local.role.tier == "web"
        upgrade:
          preconditions: >
            facts.ansible_distribution == "Debian" &&
            int(facts.ansible_distribution_major_version) < options.target_version &&
            !("do_not_upgrade" in vars)
          tasks:
            - ansible.builtin.ping:
      """;

  @BeforeAll
  static void fleetWithFacts() throws Exception {
    fleet =
        LocalFleet.create(
            dir,
            "web",
            20,
            (host, vars) -> {
              if (host.equals("web10") || host.equals("web15")) {
                vars.put("do_not_upgrade", true);
              }
              int n = Integer.parseInt(host.substring(3));
              vars.put("rack", "rack" + (n % 3));
              if (n <= 2) {
                vars.put("role", "primary");
              }
            });
    for (int i = 1; i <= 20; i++) {
      String host = String.format("web%02d", i);
      if (i % 3 == 0) {
        fleet.localFact(host, "role", Map.of("tier", "db"));
      } else if (i % 3 == 1) {
        fleet.localFact(host, "role", Map.of("tier", "web"));
      }
    }
    fleet.localFact(
        "web07",
        "amble_state",
        Map.of(
            "workspaces",
            Map.of(
                "fleet",
                Map.of(
                    "workflow", "upgrade", "rollout", "r1", "started", "2026-11-20T10:00:00Z"))));
    fleet.localFact(
        "web04",
        "amble_state",
        Map.of(
            "workspaces",
            Map.of(
                "fleet",
                Map.of(
                    "workflow", "upgrade",
                    "rollout", "r1",
                    "started", "2026-11-20T10:00:00Z",
                    "succeeded", "2026-11-20T10:05:00Z"))));
    fleet.localFact(
        "web13",
        "amble_lock",
        Map.of(
            "workspace",
            "other",
            "rollout",
            "r9",
            "controller",
            "c",
            "since",
            "2026-11-21T00:00:00Z"));
    Files.writeString(dir.resolve("Amblefile.yml"), AMBLEFILE);
    fleet.gatherFacts(dir.resolve(".amble/fleet/facts"), "fleet:!web19:!web20");
  }

  @Test
  void classifiesEveryHost() throws Exception {
    CliRun run = CliRun.run(dir, "plan", "--output", "json");
    assertEquals(0, run.code(), run.toString());
    JsonNode plan = new ObjectMapper().readTree(run.out());
    Map<String, String> actual = new LinkedHashMap<>();
    plan.get("hosts")
        .forEach(
            h ->
                actual.put(
                    h.get("host").asText(),
                    h.get("decision").asText()
                        + " "
                        + h.get("reason").asText()
                        + (h.has("note") ? " | " + h.get("note").asText() : "")));
    String noRole = "skip job check-role: facts.ansible_local.role is not set";
    String db = "skip job check-role: facts.ansible_local.role.tier == \"web\" is false";
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("web01", "walk ");
    expected.put("web02", noRole);
    expected.put("web03", db);
    expected.put("web04", "walk ");
    expected.put("web05", noRole);
    expected.put("web06", db);
    expected.put("web07", "retry started 2026-11-20T10:00:00Z and never finished");
    expected.put("web08", noRole);
    expected.put("web09", db);
    expected.put("web10", "skip job upgrade: !(\"do_not_upgrade\" in vars) is false");
    expected.put("web11", noRole);
    expected.put("web12", db);
    expected.put("web13", "walk  | locked by workspace other since 2026-11-21T00:00:00Z");
    expected.put("web14", noRole);
    expected.put("web15", db);
    expected.put("web16", "walk ");
    expected.put("web17", noRole);
    expected.put("web18", db);
    expected.put("web19", "unknown no cached facts (amble init gathers them)");
    expected.put("web20", "unknown no cached facts (amble init gathers them)");
    assertEquals(expected, actual);
    assertEquals(4 + 1, plan.at("/counts/walk").asInt() + plan.at("/counts/retry").asInt());
  }

  @Test
  void limitNarrowsTheHostsAsAnsibleDoes() {
    CliRun run = CliRun.run(dir, "plan", "-l", "web0*:!web05", "--seed", "3");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("limited to \"web0*:!web05\""), run.out());
    assertTrue(run.out().contains("8 hosts: 2 walk, 5 skip, 1 retry, 0 unknown"), run.out());
  }

  @Test
  void noMatchingHostIsBadInput() {
    CliRun run = CliRun.run(dir, "plan", "-l", "nothing-like-this");
    assertEquals(2, run.code(), run.toString());
    assertEquals(
        "amble: no hosts match \"fleet\" with --limit \"nothing-like-this\" in the inventory\n",
        run.err());
  }

  @Test
  void anInventoryAnsibleCannotParseIsNamed(@org.junit.jupiter.api.io.TempDir Path broken)
      throws Exception {
    java.nio.file.Files.writeString(
        broken.resolve("Amblefile.yml"),
        """
        workspaces:
          fleet: { host_pattern: all, workflow: w, inventory: inventory.yml }
        workflows:
          w: { jobs: [ { job: j } ] }
        jobs:
          j: { tasks: [ { ansible.builtin.ping: {} } ] }
        """);
    java.nio.file.Files.writeString(broken.resolve("inventory.yml"), "all: [\n");
    CliRun run = CliRun.run(broken, "plan");
    assertEquals(2, run.code(), run.toString());
    assertTrue(
        run.err()
            .startsWith(
                "amble: [ERROR]: No inventory was parsed, please check your configuration and"
                    + " options. (ansible-inventory failed (exit 1)): "),
        run.err());
    assertTrue(run.err().contains("inventory.yml"), run.err());
  }

  /** A workspace with maintenance windows: the plan says when the next one opens (or closes). */
  @Test
  void saysTheMaintenanceWindow(@TempDir Path windowed) throws Exception {
    Files.writeString(
        windowed.resolve("Amblefile.yml"),
        """
        workspaces:
          fleet:
            host_pattern: fleet
            workflow: w
            inventory: %s
            windows:
              time_zone: UTC
              allow:
                - { from: "00:00", to: "23:59" }
        workflows:
          w: { jobs: [ { job: j } ] }
        jobs:
          j: { tasks: [ { ansible.builtin.ping: {} } ] }
        """
            .formatted(dir.resolve("inventory.yml")));
    CliRun run = CliRun.run(windowed, "plan");
    assertEquals(0, run.code(), run.toString());
    assertTrue(
        java.util.regex.Pattern.compile(
                "\\n(maintenance window open: hosts start until \\w{3} 23:59 UTC, for \\w+ more"
                    + "|waiting for maintenance window: opens \\w{3} 00:00 UTC, in 1m)\\n")
            .matcher(run.out())
            .find(),
        run.out());

    CliRun json = CliRun.run(windowed, "plan", "--output", "json");
    assertEquals(0, json.code(), json.toString());
    JsonNode window = new ObjectMapper().readTree(json.out()).get("maintenance_window");
    assertTrue(window != null && window.isObject(), json.out());
    assertEquals("UTC", window.get("time_zone").asText());
    Instant opens = Instant.parse(window.get("opens").asText());
    Instant closes = Instant.parse(window.get("closes").asText());
    assertEquals(0, opens.atZone(java.time.ZoneOffset.UTC).getHour(), json.out());
    assertEquals(23, closes.atZone(java.time.ZoneOffset.UTC).getHour(), json.out());
    assertEquals(59, closes.atZone(java.time.ZoneOffset.UTC).getMinute(), json.out());
    assertEquals(
        window.get("open").asBoolean(),
        window.get("text").asText().startsWith("maintenance window open"),
        json.out());
  }

  /** Without windows, the JSON plan has no maintenance window. */
  @Test
  void showsEachHostsTierAndFailureDomainInWalkOrder() throws Exception {
    Files.writeString(
        dir.resolve("Tiered.yml"),
        AMBLEFILE.replace(
            "    sort_order: ascending\n",
            "    sort_order: ascending\n"
                + "    failure_domain: { var: rack, max_in_flight: 1 }\n"
                + "    tiers: { var: role, order: [primary] }\n"));
    CliRun run = CliRun.run(dir, "-f", "Tiered.yml", "plan", "--output", "json");
    assertEquals(0, run.code(), run.err());
    JsonNode hosts = new ObjectMapper().readTree(run.out()).get("hosts");
    java.util.List<String> order = new java.util.ArrayList<>();
    hosts.forEach(
        h ->
            order.add(
                h.get("host").asText()
                    + "/"
                    + h.get("tier").asText()
                    + "/"
                    + h.get("domain").asText()));
    assertEquals("web01/primary/rack1", order.get(0), order.toString());
    assertEquals("web02/primary/rack2", order.get(1), order.toString());
    assertEquals("web03/(rest)/rack0", order.get(2), order.toString());
    assertEquals("web06/(rest)/rack0", order.get(3), order.toString());
    hosts.forEach(h -> assertTrue(h.get("wave") == null, "no wave per host with a domain: " + h));
    CliRun text = CliRun.run(dir, "-f", "Tiered.yml", "plan");
    assertTrue(text.out().contains("tiers by role: primary, then the rest"), text.out());
    assertTrue(
        text.out().contains("failure domain: at most 1 host in flight per value of rack"),
        text.out());
    assertTrue(
        text.out().lines().anyMatch(l -> l.matches("web01 +\\S+ +primary +rack1( .*)?")),
        text.out());
  }

  @Test
  void jsonWithoutWindowsHasNone() throws Exception {
    CliRun run = CliRun.run(dir, "plan", "--output", "json");
    assertEquals(0, run.code(), run.toString());
    assertTrue(!new ObjectMapper().readTree(run.out()).has("maintenance_window"), run.out());
  }
}
