package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.FactCache;
import dev.amble.ansible.FactGathering;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.precondition.Verdict;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import dev.amble.worker.HostActivitiesImpl;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host activities through the real ansible-playbook, against 5 hosts on this machine (local
 * connection, each host with its own remote state folder), plus one host nobody answers for.
 */
class HostActivitiesTest {
  @TempDir static Path dir;
  static LocalFleet fleet;
  static ProcessRunner runner;
  static HostActivitiesImpl host;
  static FactGathering facts;
  static int closedPort;

  static final String AMBLEFILE =
      """
      workspaces:
        maintenance:
          host_pattern: fleet
          workflow: upgrade
          inventory: inventory.yml
        other:
          host_pattern: fleet
          workflow: upgrade
          inventory: inventory.yml
        gone:
          host_pattern: gone
          workflow: upgrade
          inventory: inventory.yml
      workflows:
        upgrade:
          jobs:
            - job: prepare-packages
            - job: upgrade
              options: { target_version: 99 }
            - job: reboot
          exit_jobs:
            - job: uncordon
      jobs:
        prepare-packages:
          become: false
          tasks:
            - name: write a marker
              ansible.builtin.copy:
                dest: "{{ amble_state_dir }}/marker-{{ target | default('x') }}"
                content: "{{ inventory_hostname }}"
        upgrade:
          preconditions: >
            facts.ansible_distribution == "Debian" &&
            int(facts.ansible_distribution_major_version) < options.target_version &&
            !("do_not_upgrade" in vars)
          tasks:
            - name: report the target
              ansible.builtin.debug:
                msg: "upgrading to {{ target_version }}"
        reboot:
          become: false
          tasks:
            - name: pretend to reboot
              ansible.builtin.command: /bin/true
              changed_when: true
        uncordon:
          become: false
          tasks:
            - ansible.builtin.ping:
        broken:
          become: false
          tasks:
            - name: this task breaks
              ansible.builtin.command: /bin/false
        rescued:
          become: false
          tasks:
            - block:
                - name: first try
                  ansible.builtin.command: /bin/false
              rescue:
                - name: second try
                  ansible.builtin.command: /bin/true
            - name: somebody else's host, never mind
              ansible.builtin.ping:
              delegate_to: ghost
              ignore_unreachable: true
        secret-fails:
          become: false
          tasks:
            - name: a step that says something
              ansible.builtin.debug: { msg: "before the secret" }
            - name: use a secret
              ansible.builtin.fail: { msg: "the token is s3cr3t-{{ inventory_hostname }}" }
              no_log: true
        rescue-fails:
          become: false
          tasks:
            - block:
                - name: first try
                  ansible.builtin.command: /bin/false
              rescue:
                - name: the rescue breaks too
                  ansible.builtin.command: /bin/false
      """;

  @BeforeAll
  static void setUp() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    fleet =
        LocalFleet.create(
            dir,
            "node",
            5,
            (name, vars) -> {
              if (name.equals("node05")) {
                vars.put("do_not_upgrade", true);
              }
            });
    // One more host, in group "gone": nothing listens on its SSH port.
    String inventory = Files.readString(fleet.inventory());
    JsonNode inv = new ObjectMapper().readTree(inventory);
    ((com.fasterxml.jackson.databind.node.ObjectNode) inv.get("all").get("children"))
        .putObject("gone")
        .putObject("hosts")
        .putObject("ghost")
        .put("ansible_connection", "ssh")
        .put("ansible_host", "127.0.0.1")
        .put("ansible_port", closedPort)
        .put("ansible_ssh_timeout", 5);
    Files.writeString(fleet.inventory(), new ObjectMapper().writeValueAsString(inv));
    runner = new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv());
    host = new HostActivitiesImpl(runner, "test@controller", Clock.systemUTC());
    facts = new FactGathering(runner);
  }

  static Definition definition(String workspaceName) {
    return Definitions.write(dir, workspaceName, AMBLEFILE);
  }

  static HostTarget target(Definition d, String name) {
    return new HostTarget(d.workspace().name(), d.folder(), d.workspace().inventory(), name);
  }

  static List<JobPreconditions> checks(Definition d) {
    return java.util.stream.Stream.concat(d.steps().stream(), d.exitSteps().stream())
        .map(s -> new JobPreconditions(s.job().name(), s.job().preconditions(), s.options()))
        .toList();
  }

  static JsonNode state(String name) throws Exception {
    Path file = fleet.stateDir(name).resolve("amble_state.fact");
    return Files.exists(file)
        ? new ObjectMapper().readTree(file.toFile())
        : new ObjectMapper().createObjectNode();
  }

  @Test
  void initFillsTheFactCacheForEveryHost() {
    Definition d = definition("maintenance");
    InitResult result =
        facts.gather(new InitRequest(d.workspace(), d.folder(), Optional.empty(), 5));
    assertEquals(5, result.hosts(), result.toString());
    assertEquals(5, result.gathered(), result.toString());
    FactCache cache = new FactCache(WorkspaceDir.of(dir, "maintenance").facts());
    for (String h : fleet.hosts()) {
      assertEquals("Debian", cache.read(h).orElseThrow().get("ansible_distribution").asText(), h);
    }
  }

  @Test
  void initReportsHostsItCannotReachAndKeepsTheOthers() {
    Definition d = definition("gone");
    InitResult result =
        facts.gather(new InitRequest(d.workspace(), d.folder(), Optional.empty(), 5));
    assertEquals(1, result.hosts());
    assertEquals(0, result.gathered());
    assertTrue(result.problems().get(0).unreachable(), result.toString());
  }

  @Test
  void prepareThreeJobsAndFinishWalkAHost() throws Exception {
    Definition d = definition("maintenance");
    new WorkspacePlanner(new Inventory(runner)).hosts(d, Optional.empty());
    HostTarget t = target(d, "node01");

    Preparation p = host.prepareHost(new PrepareRequest(t, "upgrade", checks(d)));
    assertTrue(p.run().ok(), p.toString());
    assertEquals(List.of(Verdict.HOLDS, Verdict.HOLDS, Verdict.HOLDS, Verdict.HOLDS), p.verdicts());
    assertTrue(p.state().workspace().isEmpty());
    assertFalse(
        Files.exists(fleet.stateDir("node01").resolve("amble_state.fact")), "prepare wrote");
    // What others recorded on the host stays: another workspace's walk, an unlock.
    String others =
        "{\"unlocked\": {\"by\": \"ops\"}, \"workspaces\": {\"other\": {\"workflow\": \"w\"}}}";
    Files.writeString(fleet.stateDir("node01").resolve("amble_state.fact"), others);

    Claim claim = new Claim("upgrade", "rollout-1", false);
    for (Definition.Step step : d.steps()) {
      RunResult r =
          host.runJob(
              new JobRequest(
                  t, step, false, step.index() == 0 ? Optional.of(claim) : Optional.empty()));
      assertTrue(r.ok(), step.job().name() + ": " + r);
      if (step.index() == 0) {
        JsonNode started = state("node01").at("/workspaces/maintenance");
        assertEquals("upgrade", started.get("workflow").asText());
        assertTrue(started.has("started") && !started.has("succeeded"), started.toString());
        assertEquals(
            "maintenance",
            new ObjectMapper()
                .readTree(fleet.stateDir("node01").resolve("amble_lock.fact").toFile())
                .get("workspace")
                .asText());
      }
      if (step.job().name().equals("reboot")) {
        assertEquals(1, r.changed());
      }
    }
    assertEquals("node01", Files.readString(fleet.stateDir("node01").resolve("marker-x")));

    RunResult finished =
        host.finishHost(new FinishRequest(t, "upgrade", "rollout-1", Optional.empty()));
    assertTrue(finished.ok(), finished.toString());
    JsonNode done = state("node01").at("/workspaces/maintenance");
    assertTrue(done.has("succeeded"), done.toString());
    assertTrue(done.get("succeeded").asText().compareTo(done.get("started").asText()) >= 0);
    assertFalse(Files.exists(fleet.stateDir("node01").resolve("amble_lock.fact")), "lock kept");
    assertEquals("ops", state("node01").at("/unlocked/by").asText(), state("node01").toString());
    assertEquals("w", state("node01").at("/workspaces/other/workflow").asText());
    // The cache was refreshed by finish: it shows the host as succeeded.
    JsonNode cached =
        new FactCache(WorkspaceDir.of(dir, "maintenance").facts()).read("node01").orElseThrow();
    assertTrue(
        cached.at("/ansible_local/amble_state/workspaces/maintenance/succeeded").isTextual());
  }

  @Test
  void prepareGathersOnlyTheLocalFactsWhenNoPreconditionReadsOthers() throws Exception {
    Definition d = definition("other");
    new WorkspacePlanner(new Inventory(runner)).hosts(d, Optional.empty());
    HostTarget t = target(d, "node03");
    Path cached = WorkspaceDir.of(dir, "other").facts().resolve("node03");
    Files.deleteIfExists(cached);
    List<JobPreconditions> noFacts =
        List.of(
            new JobPreconditions(
                "reboot",
                "vars.inventory_hostname != \"\"",
                new ObjectMapper().createObjectNode()));
    assertTrue(host.prepareHost(new PrepareRequest(t, "upgrade", noFacts)).run().ok());
    JsonNode local =
        new FactCache(WorkspaceDir.of(dir, "other").facts()).read("node03").orElseThrow();
    assertTrue(local.has("ansible_local") && !local.has("ansible_distribution"), local.toString());

    assertTrue(host.prepareHost(new PrepareRequest(t, "upgrade", checks(d))).run().ok());
    JsonNode all =
        new FactCache(WorkspaceDir.of(dir, "other").facts()).read("node03").orElseThrow();
    assertEquals("Debian", all.path("ansible_distribution").asText(), all.toString());
  }

  @Test
  void preconditionsAreEvaluatedOnFreshFactsAndVars() {
    Definition d = definition("maintenance");
    new WorkspacePlanner(new Inventory(runner)).hosts(d, Optional.empty());
    Preparation p = host.prepareHost(new PrepareRequest(target(d, "node05"), "upgrade", checks(d)));
    assertTrue(p.run().ok(), p.toString());
    assertEquals(Verdict.fails("!(\"do_not_upgrade\" in vars) is false"), p.verdicts().get(1));
  }

  @Test
  void aFailingTaskIsReportedByItsName() {
    RunResult r = runJob("broken", "node02");
    assertEquals(RunStatus.FAILED, r.status(), r.toString());
    assertEquals("this task breaks", r.task());
    assertEquals("ansible.builtin.command", r.module());
    assertTrue(r.message().contains("rc=1"), r.message());
    assertTrue(Files.exists(Path.of(r.log())));
  }

  @Test
  void aLastRunWhoseJobFailsFinishesNothing() throws Exception {
    Definition d = definition("maintenance");
    Definition.Step step =
        new Definition.Step(0, loadJob("broken"), new ObjectMapper().createObjectNode(), false);
    Claim claim = new Claim("upgrade", "rollout-f", false);
    RunResult r =
        host.runJob(
            new JobRequest(
                target(d, "node04"), step, false, Optional.of(claim), Optional.of(claim)));
    assertEquals(RunStatus.FAILED, r.status(), r.toString());
    assertEquals("this task breaks", r.task());
    JsonNode walked = state("node04").at("/workspaces/maintenance");
    assertTrue(walked.has("started") && !walked.has("succeeded"), walked.toString());
    assertTrue(Files.exists(fleet.stateDir("node04").resolve("amble_lock.fact")), "lock released");
    Files.delete(fleet.stateDir("node04").resolve("amble_lock.fact"));
    Files.delete(fleet.stateDir("node04").resolve("amble_state.fact"));
  }

  @Test
  void aFailedRunCarriesItsLogsLastLinesWithoutANoLogTasksOutput() {
    RunResult broken = runJob("broken", "node02");
    assertTrue(
        broken.tail().stream().anyMatch(l -> l.startsWith("fatal: [node02]: FAILED!")),
        broken.tail().toString());
    assertTrue(
        broken.tail().stream().anyMatch(l -> l.startsWith("PLAY RECAP")), broken.tail().toString());
    assertTrue(String.join("\n", broken.tail()).length() <= RunResult.TAIL_BYTES);
    assertFalse(broken.tail().get(0).startsWith("# amble: "), "the command line is left out");

    RunResult secret = runJob("secret-fails", "node02");
    assertEquals(RunStatus.FAILED, secret.status(), secret.toString());
    String tail = String.join("\n", secret.tail());
    assertTrue(tail.contains("no_log: true"), tail);
    assertFalse(tail.contains("s3cr3t"), tail);
    assertFalse(secret.message().contains("s3cr3t"), secret.message());

    assertTrue(runJob("rescued", "node02").tail().isEmpty(), "a run that went well carries none");
  }

  @Test
  void aFailureARescueHandledAndAnIgnoredUnreachableHostAreNoFailure() {
    RunResult r = runJob("rescued", "node02");
    assertEquals(RunStatus.OK, r.status(), r.toString());

    RunResult failed = runJob("rescue-fails", "node02");
    assertEquals(RunStatus.FAILED, failed.status(), failed.toString());
    assertEquals("the rescue breaks too", failed.task(), "the failure that ended the play");
  }

  @Test
  void aHostWithNoListenerIsUnreachable() {
    Definition d = definition("gone");
    Preparation p = host.prepareHost(new PrepareRequest(target(d, "ghost"), "upgrade", checks(d)));
    assertEquals(RunStatus.UNREACHABLE, p.run().status(), p.toString());
    assertTrue(p.verdicts().isEmpty());
  }

  /**
   * A walk that did not prepare meets an unreachable host at its first run's claim: the result
   * names the claim's task, which tells the walk that nothing ran ({@link Claim#TASK}).
   */
  @Test
  void aHostWithNoListenerIsUnreachableAtTheClaim() {
    Definition d = definition("gone");
    RunResult r =
        host.runJob(
            new JobRequest(
                target(d, "ghost"),
                d.steps().get(0),
                false,
                Optional.of(new Claim("upgrade", "r-ghost", false))));
    assertEquals(RunStatus.UNREACHABLE, r.status(), r.toString());
    assertEquals(Claim.TASK, r.task(), r.toString());
  }

  @Test
  void theLockTurnsAwayASecondWorkspace() throws Exception {
    Definition mine = definition("maintenance");
    Definition theirs = definition("other");
    Definition.Step first = mine.steps().get(0);
    RunResult taken =
        host.runJob(
            new JobRequest(
                target(mine, "node03"),
                first,
                false,
                Optional.of(new Claim("upgrade", "r-a", false))));
    assertTrue(taken.ok(), taken.toString());

    RunResult refused =
        host.runJob(
            new JobRequest(
                target(theirs, "node03"),
                theirs.steps().get(0),
                false,
                Optional.of(new Claim("upgrade", "r-b", false))));
    assertEquals(RunStatus.LOCKED, refused.status(), refused.toString());
    assertEquals("amble: refuse a host locked by another workspace", refused.task());
    assertTrue(
        refused.message().startsWith("locked by workspace maintenance since "), refused.message());
    assertFalse(
        state("node03").at("/workspaces/other").isObject(),
        "the refused workspace wrote its state");

    Preparation seen =
        host.prepareHost(new PrepareRequest(target(theirs, "node03"), "upgrade", checks(theirs)));
    assertEquals(
        "maintenance", seen.state().lockedByOther("default", "other").orElseThrow().workspace());

    RunResult stomped =
        host.runJob(
            new JobRequest(
                target(theirs, "node03"),
                theirs.steps().get(0),
                false,
                Optional.of(new Claim("upgrade", "r-b", true))));
    assertTrue(stomped.ok(), stomped.toString());
    assertEquals(
        "other",
        new ObjectMapper()
            .readTree(fleet.stateDir("node03").resolve("amble_lock.fact").toFile())
            .get("workspace")
            .asText());
  }

  @Test
  void checkModeChangesNothing() throws Exception {
    Definition d = definition("maintenance");
    RunResult r =
        host.runJob(new JobRequest(target(d, "node04"), d.steps().get(0), true, Optional.empty()));
    assertTrue(r.ok(), r.toString());
    assertFalse(
        Files.exists(fleet.stateDir("node04").resolve("marker-x")), "a dry run wrote a file");
    assertTrue(Files.readString(Path.of(r.log())).contains("--check"));
  }

  /** Runs one job of the Amblefile by name on one host of workspace maintenance. */
  static RunResult runJob(String job, String name) {
    Definition d = definition("maintenance"); // writes the Amblefile that loadJob reads
    Definition.Step step =
        new Definition.Step(0, loadJob(job), new ObjectMapper().createObjectNode(), false);
    return host.runJob(new JobRequest(target(d, name), step, false, Optional.empty()));
  }

  static dev.amble.amblefile.JobSpec loadJob(String name) {
    try {
      return dev.amble.amblefile.AmblefileLoader.load(dir.resolve("Amblefile.yml"), "Amblefile.yml")
          .jobs()
          .get(name);
    } catch (dev.amble.amblefile.AmblefileException e) {
      throw new IllegalStateException(e);
    }
  }
}
