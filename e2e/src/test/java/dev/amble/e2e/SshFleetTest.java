package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.ansible.WorkspaceDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Temporal server, a fleet of 6 SSH hosts in network namespaces, and the faults a rollout
 * must survive: a worker killed mid-job, the server killed mid-rollout, a host whose sshd goes
 * away, and an operator's catch. Every scenario ends with every host succeeded.
 */
class SshFleetTest {
  static final Path ROOT = AmbleProcess.ROOT.resolve("e2e/target/ssh");
  static SshFleet fleet;
  static final Map<String, String> FIGURES = new LinkedHashMap<>();

  @BeforeAll
  static void fleetAndServer() throws Exception {
    TemporalServerProcess.ensureRunning();
    WorkspaceDir.deleteTree(ROOT);
    fleet = SshFleet.start(ROOT.resolve("fleet"), 6);
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.stop();
    }
    System.out.println("e2e figures: " + FIGURES);
  }

  /** One scenario: its own Amblefile folder, workspace, task queue and worker. */
  static final class Scenario implements AutoCloseable {
    final String workspace;
    final Path folder;
    final Map<String, String> env;
    final Rollout rollout;
    Process worker;
    int workers;

    Scenario(String workspace, String job) throws Exception {
      this(workspace, job, fleet.inventory(), "", true);
    }

    /**
     * @param inventory the workspace's inventory
     * @param more more keys of the workspace, each line indented as a key of it (4 spaces)
     * @param worker whether its worker starts now (else: {@link #startWorker})
     */
    Scenario(String workspace, String job, Path inventory, String more, boolean worker)
        throws Exception {
      this.workspace = workspace;
      this.folder = ROOT.resolve(workspace);
      Files.createDirectories(folder);
      Files.writeString(
          folder.resolve("Amblefile.yml"),
          """
          workspaces:
            %s:
              host_pattern: fleet
              workflow: maintain
              inventory: %s
              sort_order: ascending
          %s
          workflows:
            maintain:
              jobs: [ { job: work } ]
          jobs:
            work:
              become: false
              tasks:
                - name: the maintenance
                  %s
          """
              .formatted(workspace, inventory, more.stripTrailing(), job));
      Map<String, String> own =
          new java.util.HashMap<>(
              TemporalServerProcess.env("e2e-" + workspace + "-" + UUID.randomUUID()));
      // The scenario's workers keep their copies of the content and the workspace's logs here.
      own.put("XDG_CACHE_HOME", ROOT.resolve(workspace + "-worker").toString());
      env = own;
      rollout = new Rollout(folder, env);
      if (worker) {
        startWorker();
      }
    }

    void startWorker() {
      worker =
          AmbleProcess.start(
              folder, env, folder.resolve("worker-" + (++workers) + ".log"), "worker");
    }

    void killWorker() throws InterruptedException {
      worker.destroyForcibly(); // SIGKILL
      worker.waitFor();
    }

    void run(String... more) {
      runWithHeartbeatTimeout(10, more);
    }

    /**
     * A rollout whose workers may go silent for {@code seconds} before their jobs move on: a server
     * outage longer than that makes Temporal time out the jobs in flight when it is back.
     */
    void runWithHeartbeatTimeout(int seconds, String... more) {
      String[] args =
          Stream.concat(
                  Stream.of("run", "--detach", "--heartbeat-timeout", Integer.toString(seconds)),
                  Stream.of(more))
              .toArray(String[]::new);
      AmbleProcess.Result r = AmbleProcess.run(folder, env, 120, args);
      assertEquals(0, r.code(), r.toString());
    }

    AmbleProcess.Result amble(String... args) {
      return AmbleProcess.run(folder, env, 120, args);
    }

    /** Waits until the host's log folder holds a log of the step (e.g. "01-work"). */
    void awaitStep(String host, String step, Duration timeout) throws InterruptedException {
      Instant deadline = Instant.now().plus(timeout);
      while (logs(host, step) == 0) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(host + " never began " + step);
        }
        Thread.sleep(100);
      }
    }

    long logs(String host, String step) {
      Path dir =
          WorkspaceDir.at(ROOT.resolve(workspace + "-worker/amble/workspaces/" + workspace))
              .hostLogs(host);
      if (!Files.isDirectory(dir)) {
        return 0;
      }
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(p -> p.getFileName().toString().endsWith("-" + step + ".log")).count();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** What the host itself says: its remote state has the workspace succeeded. */
    boolean succeeded(String host) {
      try {
        Path state = fleet.stateDir(host).resolve("amble_state.fact");
        return Files.exists(state)
            && new ObjectMapper()
                .readTree(state.toFile())
                .at("/workspaces/" + workspace + "/succeeded")
                .isTextual();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    JsonNode awaitDone() throws InterruptedException {
      JsonNode done =
          rollout.await(
              "ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(6));
      assertEquals(6, Rollout.count(done, "succeeded"), done.toString());
      for (String host : fleet.hosts) {
        try {
          JsonNode state =
              new ObjectMapper()
                  .readTree(fleet.stateDir(host).resolve("amble_state.fact").toFile());
          assertTrue(
              state.at("/workspaces/" + workspace + "/succeeded").isTextual(), host + ": " + state);
        } catch (java.io.IOException e) {
          throw new AssertionError(host + " has no remote state", e);
        }
      }
      return done;
    }

    /**
     * Every host ran its job once (the walk's only run: the Amblefile has no precondition, so no
     * walk prepares): nobody was walked twice.
     */
    void eachHostWalkedOnce() {
      for (String host : fleet.hosts) {
        assertEquals(0, logs(host, "prepare"), host + " prepare");
        assertEquals(1, logs(host, "01-work"), host + " 01-work");
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (worker != null && worker.isAlive()) {
        worker.destroy();
        worker.waitFor();
      }
    }
  }

  /**
   * amble cancel, the three ways, against the real server and SSH hosts: graceful (the host in
   * flight finishes its walk, no other starts, the rollout ends cancelled), --now (the job in
   * flight is stopped, the rollout closes cancelled) and --force (the rollout is terminated, and
   * the host in flight is named as one that may hold the lock).
   */
  @Test
  void cancelGracefullyNowAndByForce() throws Exception {
    try (Scenario s = new Scenario("ssh-cancel", "ansible.builtin.command: sleep 4")) {
      s.run();
      s.awaitStep("host01", "01-work", Duration.ofMinutes(3));
      AmbleProcess.Result cancel = s.amble("cancel", "-r", "window over");
      assertEquals(0, cancel.code(), cancel.toString());
      assertTrue(
          cancel
              .out()
              .startsWith(
                  "Cancelling the rollout of ssh-cancel: no new host starts; 1 host in flight"),
          cancel.out());
      JsonNode ended =
          s.rollout.await(
              "cancelled",
              st -> st.path("phase").asText().equals("cancelled"),
              Duration.ofMinutes(2));
      assertTrue(
          ended.path("ended").asText().startsWith("cancelled by ")
              && ended.path("ended").asText().endsWith(": window over"),
          ended.toString());
      assertEquals(1, Rollout.count(ended, "succeeded"), ended.toString());
      assertTrue(s.succeeded("host01"), "the host in flight finished its walk");
      assertEquals(0, s.logs("host02", "01-work"), "a host started after the cancel");
    }
    try (Scenario s = new Scenario("ssh-cancel-now", "ansible.builtin.command: sleep 600")) {
      s.run();
      s.awaitStep("host01", "01-work", Duration.ofMinutes(3));
      AmbleProcess.Result now = s.amble("cancel", "--now", "-r", "bad kernel");
      assertEquals(0, now.code(), now.toString());
      JsonNode ended =
          s.rollout.await(
              "cancelled now",
              st -> st.path("phase").asText().equals("cancelled"),
              Duration.ofMinutes(2));
      assertTrue(
          ended
              .path("ended")
              .asText()
              .contains(": bad kernel (now: the jobs in flight were stopped"),
          ended.toString());
      assertEquals(1, Rollout.count(ended, "cancelled"), ended.toString());
      assertFalse(s.succeeded("host01"), "a stopped walk does not finish");
      assertEquals(0, s.logs("host02", "01-work"), "a host started after the cancel");
    } finally {
      unlock("host01"); // a walk cut short keeps its lock (amble unlock is not built yet)
    }
    try (Scenario s = new Scenario("ssh-cancel-force", "ansible.builtin.command: sleep 600")) {
      s.run();
      s.awaitStep("host01", "01-work", Duration.ofMinutes(3));
      AmbleProcess.Result force = s.amble("cancel", "--force", "-r", "stuck");
      assertEquals(0, force.code(), force.toString());
      assertTrue(force.out().startsWith("Terminated the rollout of ssh-cancel-force"), force.out());
      assertTrue(force.out().matches("(?s).*\\n  host01 +in flight\\n.*"), force.out());
      JsonNode ended =
          s.rollout.await(
              "terminated",
              st -> st.path("ended").asText().startsWith("terminated"),
              Duration.ofMinutes(1));
      assertTrue(
          ended.path("ended").asText().contains("cancel --force by ")
              && ended.path("ended").asText().contains(": stuck"),
          ended.toString());
    } finally {
      unlock("host01");
    }
  }

  /** Frees a host that a cancelled walk left locked, so that the other scenarios can walk it. */
  static void unlock(String host) throws java.io.IOException {
    Files.deleteIfExists(fleet.stateDir(host).resolve("amble_lock.fact"));
  }

  /**
   * Six hosts in three racks (an inventory var), one host of a rack at a time and six at once:
   * never two hosts of one rack in their job together, and three racks' hosts at once. Each job
   * writes when it began and ended on its host. One host is steered: {@code amble skip}, sent
   * before any worker runs (as the signal, encrypted with the payload key like anything a worker
   * reads), is never contacted.
   */
  @Test
  void aRackNeverHasTwoHostsInFlightWhileTheOtherRacksGoOn() throws Exception {
    Path times = ROOT.resolve("ssh-racks-times");
    Path inventory = ROOT.resolve("ssh-racks-inventory");
    Files.createDirectories(times);
    Files.createDirectories(inventory);
    Files.copy(fleet.inventory(), inventory.resolve("fleet.yml"));
    StringBuilder racks = new StringBuilder("all:\n  hosts:\n");
    for (int i = 0; i < fleet.hosts.size(); i++) {
      racks
          .append("    ")
          .append(fleet.hosts.get(i))
          .append(": { rack: r")
          .append(i % 3)
          .append(" }\n");
    }
    Files.writeString(inventory.resolve("racks.yml"), racks.toString());
    String job =
        "ansible.builtin.shell: echo $(date +%s%N) $(sleep 3; date +%s%N) > "
            + times
            + "/{{ inventory_hostname }}";
    try (Scenario s =
        new Scenario(
            "ssh-racks",
            job,
            inventory,
            "    concurrency: 6\n    failure_domain: { var: rack, max_in_flight: 1 }\n",
            false)) {
      AmbleProcess.Result plan = s.amble("plan", "--output", "json");
      assertEquals(0, plan.code(), plan.toString());
      JsonNode planned = new ObjectMapper().readTree(plan.out()).get("hosts");
      assertEquals("r0", planned.get(0).path("domain").asText(), planned.toString());
      assertEquals("host04", planned.get(1).path("host").asText(), "a rack's hosts together");
      s.run();
      AmbleProcess.Result skip = s.amble("skip", "host06", "-r", "decommissioned");
      assertEquals(0, skip.code(), skip.toString());
      assertTrue(skip.out().startsWith("Skip of the rollout of ssh-racks sent"), skip.out());
      s.startWorker();
      JsonNode done =
          s.rollout.await(
              "ended", st -> st.path("phase").asText().equals("done"), Duration.ofMinutes(6));
      assertEquals(5, Rollout.count(done, "succeeded"), done.toString());
      assertEquals(1, Rollout.count(done, "skipped"), done.toString());
      assertEquals(0, s.logs("host06", "01-work"), "the skipped host was walked");
      assertFalse(Files.exists(times.resolve("host06")), "the skipped host ran its job");
      AmbleProcess.Result sixth = s.amble("status", "--host", "host06");
      assertEquals(0, sixth.code(), sixth.toString());
      assertTrue(
          sixth.out().startsWith("Host host06 of workspace ssh-racks: not walked: skipped by ")
              && sixth.out().strip().endsWith(": host06: decommissioned"),
          sixth.out());
      Map<String, long[]> ran = new LinkedHashMap<>();
      for (String host : fleet.hosts.subList(0, 5)) {
        String[] t = Files.readString(times.resolve(host)).trim().split(" ");
        ran.put(host, new long[] {Long.parseLong(t[0]), Long.parseLong(t[1])});
      }
      int most = 0;
      for (int i = 0; i < ran.size(); i++) {
        long[] a = ran.get(fleet.hosts.get(i));
        int together = 0;
        for (int j = 0; j < ran.size(); j++) {
          long[] b = ran.get(fleet.hosts.get(j));
          if (b[0] <= a[0] && a[0] < b[1]) {
            together++;
            assertTrue(
                i == j || i % 3 != j % 3,
                fleet.hosts.get(i) + " and " + fleet.hosts.get(j) + " of one rack ran together");
          }
        }
        most = Math.max(most, together);
      }
      assertEquals(3, most, "hosts of three racks at once: " + ran);
    }
  }

  @Test
  void aFullRolloutSucceedsAndEachHostSaysSo() throws Exception {
    try (Scenario s = new Scenario("ssh-full", "ansible.builtin.command: uptime")) {
      Instant start = Instant.now();
      s.run("--concurrency", "3");
      s.awaitDone();
      s.eachHostWalkedOnce();
      FIGURES.put(
          "full rollout, 6 hosts, concurrency 3 (s)",
          Long.toString(Duration.between(start, Instant.now()).toSeconds()));
    }
  }

  @Test
  void aWorkerKilledMidJobOnHost3LeavesHosts1And2Untouched() throws Exception {
    try (Scenario s = new Scenario("ssh-worker-kill", "ansible.builtin.command: sleep 6")) {
      s.run();
      s.awaitStep("host03", "01-work", Duration.ofMinutes(3));
      Thread.sleep(2000); // in the middle of host03's job
      s.killWorker();
      fleet.mark("after-worker-kill");
      Instant killed = Instant.now();
      s.startWorker();
      s.awaitDone();
      FIGURES.put(
          "worker kill: rollout done after restart (s)",
          Long.toString(Duration.between(killed, Instant.now()).toSeconds()));
      for (String host : new String[] {"host01", "host02"}) {
        int sessions = fleet.sessions(host, "after-worker-kill");
        FIGURES.put("worker kill: new SSH sessions on " + host, Integer.toString(sessions));
        assertEquals(0, sessions, host + " was contacted again after the restart");
      }
      FIGURES.put("worker kill: host03 job runs", Long.toString(s.logs("host03", "01-work")));
      assertEquals(2, s.logs("host03", "01-work"), "host03's interrupted job runs again, once");
      for (String host : new String[] {"host01", "host02", "host04", "host05", "host06"}) {
        assertEquals(1, s.logs(host, "01-work"), host);
      }
    }
  }

  @Test
  void theServerKilledMidRolloutLosesNothingAndWalksNobodyTwice() throws Exception {
    try (Scenario s = new Scenario("ssh-server-kill", "ansible.builtin.command: sleep 4")) {
      // The outage (2 s, then `amble server`'s restart: 3 to 12 s on a loaded machine) stays
      // within the heartbeat timeout, as Temporal needs to keep the job's attempt.
      s.runWithHeartbeatTimeout(30);
      s.awaitStep("host03", "01-work", Duration.ofMinutes(3));
      Thread.sleep(1000);
      TemporalServerProcess.kill();
      Instant killed = Instant.now();
      Thread.sleep(2000);
      TemporalServerProcess.ensureRunning();
      FIGURES.put(
          "server kill: restart took (s)",
          Long.toString(Duration.between(killed, Instant.now()).toSeconds()));
      s.awaitDone();
      s.eachHostWalkedOnce();
    }
  }

  @Test
  void aHostWhoseSshdStopsCatchesTheRolloutUntilReleased() throws Exception {
    try (Scenario s = new Scenario("ssh-host-gone", "ansible.builtin.command: uptime")) {
      fleet.stopHost("host04");
      try {
        s.run();
        JsonNode caught =
            s.rollout.await(
                "caught",
                st ->
                    st.path("caught").path("caught").asBoolean() && st.path("inProgress").isEmpty(),
                Duration.ofMinutes(4));
        assertEquals(
            "UNREACHABLE", caught.at("/results/host04/outcome").asText(), caught.toString());
        assertTrue(
            caught.at("/caught/reason").asText().startsWith("host host04 unreachable"),
            caught.toString());
        assertEquals(0, s.logs("host05", "01-work"), "host05 started while caught");
      } finally {
        fleet.startHost("host04");
      }
      AmbleProcess.Result released = s.amble("release");
      assertEquals(0, released.code(), released.toString());
      s.awaitDone();
    }
  }

  @Test
  void aCatchTakesEffectBeforeTheNextHostAndReleaseResumes() throws Exception {
    try (Scenario s = new Scenario("ssh-catch", "ansible.builtin.command: sleep 3")) {
      s.run();
      s.awaitStep("host01", "01-work", Duration.ofMinutes(3));
      AmbleProcess.Result caught = s.amble("catch", "-r", "change freeze");
      assertEquals(0, caught.code(), caught.toString());
      assertTrue(
          caught
              .out()
              .startsWith(
                  "Caught rollout of ssh-catch: no new host starts. Still finishing: host01."),
          caught.out());
      JsonNode idle =
          s.rollout.await(
              "idle while caught",
              st -> st.path("phase").asText().equals("caught"),
              Duration.ofMinutes(2));
      assertEquals(1, idle.at("/counts/succeeded").asInt(), idle.toString());
      AmbleProcess.Result walk = s.amble("status", "--host", "host01", "--output", "json");
      assertEquals(0, walk.code(), walk.toString());
      assertEquals(
          "succeeded",
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(walk.out())
              .path("outcome")
              .asText(),
          walk.out());
      Thread.sleep(3000);
      assertEquals(
          0, s.logs("host02", "01-work"), "host02 started although the rollout was caught");
      assertEquals("change freeze", s.rollout.status().at("/caught/reason").asText());
      AmbleProcess.Result released = s.amble("release");
      assertEquals(0, released.code(), released.toString());
      s.awaitDone();
      s.eachHostWalkedOnce();
      assertFalse(s.rollout.status().path("caught").path("caught").asBoolean());
    }
  }
}
