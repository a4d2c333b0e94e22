package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.ansible.RedisServer;
import dev.amble.ansible.WorkspaceDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The production shape, end to end, on one machine: a Temporal server persisting to PostgreSQL
 * (schemas made by Temporal's own SQL tool), Redis for facts, 8 SSH hosts, and two workers that
 * cannot see the CLI's checkout. A rollout walks 4 hosts at a time; each host's job waits for a
 * gate the test opens, so every fault lands mid-job, deterministically:
 *
 * <ol>
 *   <li>one worker is killed with SIGKILL (it and every process it started, as when its machine
 *       dies) while it runs jobs; the other takes them over after the heartbeat timeout;
 *   <li>the Temporal server is killed with SIGKILL while jobs run, and started again on the same
 *       databases.
 * </ol>
 *
 * Every host ends succeeded; no host finished before a kill is contacted after it (the hosts' sshd
 * logs say so); each host is prepared and finished once, and its job runs once, twice for the hosts
 * whose job the killed worker was running.
 */
class ProductionShapeTest {
  static final Path ROOT = AmbleProcess.ROOT.resolve("e2e/target/production");

  /**
   * Where the workers' machines are: outside the checkout, which the workers cannot see at all
   * (their install, homes and the SSH fleet's keys are here). Named after the checkout, so that two
   * checkouts on one machine do not share it.
   */
  static final Path OUTSIDE =
      Path.of(
          System.getProperty("java.io.tmpdir"),
          "amble-e2e-production-" + Integer.toHexString(AmbleProcess.ROOT.toString().hashCode()));

  /** The distribution the Maven build made: what a worker machine installs. */
  static final Path TARBALL =
      AmbleProcess.ROOT.resolve(
          "starter/target/amble-" + System.getProperty("amble.version") + ".tar.gz");

  static final String WORKSPACE = "fleet";

  /** The Amblefile's project: the workers' folders and the hosts' records are keyed by it. */
  static final String PROJECT = "production";

  static final int HOSTS = 8;
  static final int HEARTBEAT_SECONDS = 15;

  Path project;
  Path install;
  final Map<Integer, String> metrics = new HashMap<>();
  Path gates;
  Map<String, String> env;
  final List<Process> workers = new ArrayList<>();
  int killed;

  @Test
  void aRolloutSurvivesAWorkerAndTheServerKilledMidJob() throws Exception {
    Instant begin = Instant.now();
    if (Files.exists(OUTSIDE.resolve("fleet/fleet.env"))) {
      SshFleet.run("stop", OUTSIDE.resolve("fleet").toString()); // an earlier run's, if left
    }
    killLeftovers(ROOT);
    killLeftovers(OUTSIDE);
    WorkspaceDir.deleteTree(ROOT);
    WorkspaceDir.deleteTree(OUTSIDE);
    Files.createDirectories(ROOT);
    Files.createDirectories(OUTSIDE);
    project = Files.createDirectories(ROOT.resolve("project"));
    gates = Files.createDirectories(ROOT.resolve("gates"));
    Map<String, Object> figures = new LinkedHashMap<>();
    assertTrue(Files.isRegularFile(TARBALL), TARBALL + " (./mvnw package makes it)");
    Instant installing = Instant.now();
    install = install(OUTSIDE.resolve("install"));
    figures.put(
        "worker install from amble.tar.gz (s)",
        Duration.between(installing, Instant.now()).toSeconds());
    SshFleet fleet = SshFleet.start(OUTSIDE.resolve("fleet"), HOSTS);
    try (PostgresServer postgres = PostgresServer.start(ROOT);
        PostgresTemporal temporal = PostgresTemporal.start(postgres, ROOT);
        RedisServer redis = RedisServer.start(ROOT)) {
      figures.put("setup (s)", Duration.between(begin, Instant.now()).toSeconds());
      Files.writeString(
          project.resolve("Amblefile.yml"),
          """
          project: %s
          workspaces:
            %s:
              host_pattern: fleet
              workflow: maintain
              inventory: %s
              sort_order: ascending
              concurrency: 4
              facts: redis://127.0.0.1:%d/0
          workflows:
            maintain:
              jobs: [ { job: work } ]
          jobs:
            work:
              become: false
              tasks:
                - name: the maintenance, held until the test opens this host's gate
                  ansible.builtin.wait_for: { path: "%s/{{ inventory_hostname }}", timeout: 600, sleep: 1 }
          """
              .formatted(PROJECT, WORKSPACE, fleet.inventory(), redis.port(), gates));
      env = new HashMap<>();
      env.put("TEMPORAL_ADDRESS", temporal.address());
      env.put("AMBLE_TASK_QUEUE", "e2e-production-" + UUID.randomUUID());
      startWorker(1);
      startWorker(2);
      Rollout rollout = new Rollout(project, env);
      Instant started = Instant.now();
      AmbleProcess.Result run =
          AmbleProcess.run(
              project,
              env,
              120,
              "run",
              "--detach",
              "--heartbeat-timeout",
              Integer.toString(HEARTBEAT_SECONDS));
      assertEquals(0, run.code(), run.toString());

      // The first four hosts are in their job; two of them finish, two more begin theirs.
      await("hosts 1-4 in their job", () -> inJob(fleet.hosts.subList(0, 4)), 180);
      open("host01", "host02");
      await(
          "hosts 1-2 finished, 5-6 in their job",
          () -> finished("host01") && finished("host02"),
          120);
      await("hosts 5-6 in their job", () -> inJob(fleet.hosts.subList(4, 6)), 120);

      // Kill the worker that runs the most jobs now (each worker runs jobs of its own).
      List<String> inFlight = List.of("host03", "host04", "host05", "host06");
      int victim = 1;
      for (int w = 1; w <= 2; w++) {
        if (jobsOn(w, inFlight).size() > jobsOn(victim, inFlight).size()) {
          victim = w;
        }
      }
      int survivor = 3 - victim;
      List<String> interrupted = jobsOn(victim, inFlight);
      assertFalse(interrupted.isEmpty(), "no worker runs a job of " + inFlight);
      List<String> finishedBeforeWorkerKill = finishedHosts(fleet);
      fleet.mark("worker-kill");
      killWorker(victim);
      Instant workerKilled = Instant.now();
      figures.put("worker killed, its jobs", interrupted.toString());
      await(
          "the surviving worker took over " + interrupted,
          () -> interrupted.stream().allMatch(h -> logs(survivor, h, "01-work") > 0),
          HEARTBEAT_SECONDS + 90);
      figures.put(
          "worker kill: jobs taken over after (s)",
          Duration.between(workerKilled, Instant.now()).toSeconds());

      // All in flight but one interrupted host finish; hosts 7-8 begin their job.
      String held = interrupted.get(0);
      List<String> release = new ArrayList<>(inFlight);
      release.remove(held);
      open(release.toArray(String[]::new));
      await("hosts " + release + " finished", () -> release.stream().allMatch(this::finished), 120);
      await("hosts 7-8 in their job", () -> inJob(fleet.hosts.subList(6, 8)), 120);

      List<String> finishedBeforeServerKill = finishedHosts(fleet);
      fleet.mark("server-kill");
      temporal.kill();
      Instant serverKilled = Instant.now();
      temporal.start();
      figures.put(
          "server kill: back after (s)", Duration.between(serverKilled, Instant.now()).toSeconds());

      open(fleet.hosts.toArray(String[]::new));
      // The hosts' own logs first (cheap), then the rollout's status (a JVM per look).
      await("every host finished", () -> fleet.hosts.stream().allMatch(this::finished), 180);
      JsonNode done =
          rollout.await(
              "ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
      figures.put("rollout (s)", Duration.between(started, Instant.now()).toSeconds());
      assertEquals(HOSTS, Rollout.count(done, "succeeded"), done.toString());
      for (String host : fleet.hosts) {
        assertTrue(succeeded(fleet, host), host + " says it succeeded");
      }

      // Nothing finished before a kill was contacted after it.
      int contactsAfterWorkerKill = 0;
      for (String host : finishedBeforeWorkerKill) {
        contactsAfterWorkerKill += fleet.sessions(host, "worker-kill");
      }
      int contactsAfterServerKill = 0;
      for (String host : finishedBeforeServerKill) {
        contactsAfterServerKill += fleet.sessions(host, "server-kill");
      }
      figures.put("hosts", HOSTS);
      figures.put("worker kills", 1);
      figures.put("server kills", temporal.starts() - 1);
      figures.put("hosts finished before the worker kill", finishedBeforeWorkerKill.size());
      figures.put("their SSH sessions after the worker kill", contactsAfterWorkerKill);
      figures.put("hosts finished before the server kill", finishedBeforeServerKill.size());
      figures.put("their SSH sessions after the server kill", contactsAfterServerKill);
      Map<String, Long> jobRuns = new LinkedHashMap<>();
      for (String host : fleet.hosts) {
        jobRuns.put(host, logs(1, host, "01-work") + logs(2, host, "01-work"));
      }
      figures.put("job runs per host", jobRuns);
      assertEquals(2, finishedBeforeWorkerKill.size(), finishedBeforeWorkerKill.toString());
      assertEquals(0, contactsAfterWorkerKill, "hosts finished before the worker kill");
      assertTrue(finishedBeforeServerKill.size() >= 5, finishedBeforeServerKill.toString());
      assertEquals(0, contactsAfterServerKill, "hosts finished before the server kill");
      for (String host : fleet.hosts) {
        // The Amblefile has no precondition: no walk prepares, the job's run claims the host.
        assertEquals(0, logs(1, host, "prepare") + logs(2, host, "prepare"), host + " prepared");
        assertTrue(succeeded(fleet, host), host + " finished");
        assertEquals(
            interrupted.contains(host) ? 2L : 1L,
            jobRuns.get(host),
            host + "'s job runs (an interrupted job runs again, once)");
      }
      // amble logs, from the CLI's side: a step the surviving worker ran, through that worker; a
      // step the killed worker ran: which worker holds it, and what history kept instead.
      int victimWorker = victim;
      String survivorHost =
          fleet.hosts.stream()
              .filter(
                  h -> logs(survivor, h, "01-work") > 0 && logs(victimWorker, h, "01-work") == 0)
              .findFirst()
              .orElseThrow();
      AmbleProcess.Result shown =
          AmbleProcess.run(project, env, 120, "logs", survivorHost, "--step", "work");
      assertEquals(0, shown.code(), shown.toString());
      assertTrue(
          shown
              .out()
              .contains("TASK [the maintenance, held until the test opens this host's gate]"),
          shown.toString());
      assertTrue(shown.out().contains("ok: [" + survivorHost + "]"), shown.toString());
      // A step the killed worker completed (history names it as that step's worker): a prepare, or
      // a job (which finishes the host) it was not running when killed. Which worker took which
      // step is
      // Temporal's choice, so the killed one may have completed none: then there is none to ask.
      List<String[]> victimSteps = new ArrayList<>();
      for (String h : fleet.hosts) {
        if (logs(victimWorker, h, "prepare") > 0) {
          victimSteps.add(new String[] {h, "prepare"});
        }
        if (logs(victimWorker, h, "01-work") > 0 && !interrupted.contains(h)) {
          victimSteps.add(new String[] {h, "work"});
        }
      }
      String victimHost = "(none: the killed worker completed no step)";
      if (!victimSteps.isEmpty()) {
        String[] step = victimSteps.get(0);
        victimHost = step[0] + " " + step[1];
        AmbleProcess.Result gone =
            AmbleProcess.run(
                project, env, 120, "logs", step[0], "--step", step[1], "--worker-timeout", "5");
        assertEquals(1, gone.code(), gone.toString());
        assertTrue(
            gone.err().contains("holds this log and did not answer within"), gone.toString());
        assertTrue(gone.err().contains("its result: ok"), gone.toString());
      }
      figures.put("amble logs: a step of the survivor's", survivorHost + " (printed)");
      figures.put(
          "amble logs: a step of the killed worker's", victimHost + " (said: did not answer)");

      // The surviving worker's metrics: the walks that ended on it after the kill, at least.
      String scraped = scrape(survivor);
      double walkedThere = sample(scraped, "amble_hosts_finished_total", "outcome=\"succeeded\"");
      figures.put("survivor's amble_hosts_finished_total{outcome=succeeded}", walkedThere);
      figures.put(
          "survivor's amble_hosts_walked_total", sample(scraped, "amble_hosts_walked_total"));
      assertTrue(
          walkedThere >= HOSTS - finishedBeforeWorkerKill.size(),
          walkedThere + " walks ended on the survivor:\n" + scraped);
      assertTrue(sample(scraped, "amble_job_duration_seconds_count", "job=\"work\"") >= 1, scraped);
      assertEquals(0.0, sample(scraped, "amble_ansible_processes"), "nothing runs now");
      assertTrue(scraped.contains("temporal_"), "Temporal's SDK metrics too");

      // The rollout and its host walks are rows of PostgreSQL's: the server kept them nowhere else.
      int executions =
          Integer.parseInt(postgres.psql("temporal", "SELECT count(*) FROM executions"));
      figures.put("workflow executions in PostgreSQL", executions);
      assertTrue(executions >= 1 + HOSTS, executions + " executions in PostgreSQL");
      // The facts the walks refreshed are in Redis, the store the workers and the CLI share.
      @SuppressWarnings("unchecked")
      List<Object> keys = (List<Object>) redis.command("KEYS", "*");
      for (String host : fleet.hosts) {
        assertTrue(
            keys.stream().anyMatch(k -> k.toString().endsWith("_" + host)),
            host + "'s facts in Redis: " + keys);
      }
    } finally {
      for (Process worker : workers) {
        if (worker.isAlive()) {
          worker.destroy();
          if (!worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            worker.destroyForcibly();
            worker.waitFor();
          }
        }
      }
      fleet.stop();
      figures.put("wall time (s)", Duration.between(begin, Instant.now()).toSeconds());
      System.out.println("e2e production shape: " + figures);
    }
  }

  /**
   * A worker as the production shape runs it: its own home, the server's address and the task
   * queue, and no view of the CLI's checkout (a mount namespace covers it). The one place that says
   * how a worker is started: today the repository's amble.jar, later a distribution.
   */
  void startWorker(int n) throws Exception {
    Path home = Files.createDirectories(OUTSIDE.resolve("workers/worker-" + n));
    Map<String, String> own = new HashMap<>(env);
    own.put("XDG_CACHE_HOME", home.resolve("cache").toString());
    own.put("HOME", home.toString());
    Path log = home.resolve("worker.log");
    // A worker that cannot reach the server at start exits (on a busy machine its first call can
    // miss its deadline): it is started again, at most 3 times, until it says it polls.
    for (int attempt = 1; ; attempt++) {
      long from = Files.exists(log) ? Files.size(log) : 0;
      List<String> command = new ArrayList<>(IsolatedWorkersTest.hidden(AmbleProcess.ROOT));
      command.addAll(
          List.of(
              install.resolve("amble/bin/amble").toString(),
              "worker",
              "--metrics-address",
              "127.0.0.1:0"));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(home.toFile())
              .redirectInput(new java.io.File("/dev/null"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().clear();
      pb.environment().putAll(AmbleProcess.environment(own));
      Process worker = pb.start();
      Instant deadline = Instant.now().plusSeconds(90);
      while (worker.isAlive() && !polling(log, from) && Instant.now().isBefore(deadline)) {
        Thread.sleep(200); // polling with a deadline
      }
      if (worker.isAlive() && polling(log, from)) {
        workers.add(worker);
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("metrics at (http://\\S+/metrics)")
                .matcher(Files.readString(log).substring((int) from));
        assertTrue(m.find(), "the worker says where its metrics are: " + log);
        metrics.put(n, m.group(1));
        return;
      }
      worker.destroyForcibly();
      worker.waitFor();
      if (attempt == 3) {
        throw new AssertionError("worker " + n + " did not start; see " + log);
      }
    }
  }

  /**
   * A worker machine's install, as the README says: the tarball unpacked, then {@code
   * amble/bin/amble-setup} (Java checked, the pinned Ansible into amble/.venv). pip's own cache
   * makes it quick when the machine installed the same Ansible before.
   */
  static Path install(Path folder) throws Exception {
    Files.createDirectories(folder);
    Process tar =
        new ProcessBuilder("tar", "xzf", TARBALL.toString(), "-C", folder.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(tar.getInputStream().readAllBytes());
    assertEquals(0, tar.waitFor(), "tar: " + out);
    List<String> command = new ArrayList<>(IsolatedWorkersTest.hidden(AmbleProcess.ROOT));
    command.add(folder.resolve("amble/bin/amble-setup").toString());
    Path log = folder.resolve("setup.log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().remove("AMBLE_ANSIBLE_BIN");
    Process p = pb.start();
    assertTrue(
        p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES), "amble-setup took over 10 min");
    assertEquals(0, p.exitValue(), "amble-setup: " + Files.readString(log));
    assertTrue(Files.isExecutable(folder.resolve("amble/.venv/bin/ansible-playbook")));
    return folder;
  }

  /** The metrics the worker's endpoint serves now. */
  String scrape(int n) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(metrics.get(n))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  /** The sum of a metric's samples whose labels include every one of {@code labels}. */
  static double sample(String scraped, String name, String... labels) {
    double sum = 0;
    for (String line : scraped.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        boolean all = true;
        for (String label : labels) {
          all &= line.contains(label);
        }
        if (all) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  private static boolean polling(Path log, long from) throws java.io.IOException {
    String text = Files.readString(log);
    return text.length() > from && text.substring((int) from).contains("amble worker: polling");
  }

  /** SIGKILL to the worker and every process it started, as when its machine dies. */
  void killWorker(int n) throws Exception {
    Process worker = workers.get(n - 1);
    killed = n;
    List<ProcessHandle> tree = new ArrayList<>(worker.descendants().toList());
    worker.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    worker.waitFor();
    for (ProcessHandle p : tree) {
      p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /**
   * SIGKILL to what an earlier run of a test left running in {@code root} (when its JVM was killed,
   * its finally blocks did not run): processes whose command line names a folder in it (the
   * PostgreSQL and Temporal servers: their folders' names are sentinels) or that run in one (the
   * workers, whose homes are there).
   */
  static void killLeftovers(Path root) {
    String prefix = root.toAbsolutePath() + "/";
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(
            p ->
                p.info().commandLine().map(c -> c.contains(prefix)).orElse(false)
                    || cwd(p).startsWith(prefix))
        .forEach(
            p -> {
              System.out.println("e2e: killing a leftover of an earlier run: " + p.pid());
              p.destroyForcibly();
            });
  }

  private static String cwd(ProcessHandle p) {
    try {
      return Path.of("/proc", Long.toString(p.pid()), "cwd").toRealPath() + "/";
    } catch (java.io.IOException | SecurityException gone) {
      return "";
    }
  }

  /** Opens the hosts' gates: their jobs end. */
  void open(String... hosts) throws Exception {
    for (String host : hosts) {
      Files.writeString(gates.resolve(host), "open\n");
    }
  }

  /** The folder of a host's logs in worker {@code n}'s own folder. */
  static Path hostLogs(int n, String host) {
    return WorkspaceDir.at(
            OUTSIDE.resolve(
                "workers/worker-"
                    + n
                    + "/cache/amble/workspaces/"
                    + dev.amble.worker.ContentFolders.folderName(PROJECT, WORKSPACE)))
        .hostLogs(host);
  }

  /** Logs of a step (prepare, 01-work) of a host in worker {@code n}'s own folder. */
  long logs(int n, String host, String step) {
    Path dir = hostLogs(n, host);
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-" + step + ".log")).count();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean inJob(List<String> hosts) {
    return hosts.stream().allMatch(h -> logs(1, h, "01-work") + logs(2, h, "01-work") > 0);
  }

  /** The hosts whose job worker {@code n} began. */
  List<String> jobsOn(int n, List<String> hosts) {
    return hosts.stream().filter(h -> logs(n, h, "01-work") > 0).toList();
  }

  /** What the host itself says: its remote state has the workspace succeeded. */
  static boolean succeeded(SshFleet fleet, String host) {
    Path state = fleet.stateDir(host).resolve("amble_state.fact");
    try {
      return Files.exists(state)
          && new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(state.toFile())
              // The host keys a project's workspace as PROJECT/WORKSPACE (a JSON pointer's ~1).
              .at("/workspaces/" + PROJECT + "~1" + WORKSPACE + "/succeeded")
              .isTextual();
    } catch (java.io.IOException partlyWritten) {
      return false;
    }
  }

  /**
   * Whether the host's walk is over: the run that finished it (its last run, whose last play marks
   * the remote state, unlocks and refreshes the facts) ended. The remote state alone says
   * "succeeded" before the run's last contacts with the host.
   */
  boolean finished(String host) {
    for (int n = 1; n <= 2; n++) {
      Path dir = hostLogs(n, host);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path events :
            files.filter(p -> p.getFileName().toString().endsWith(".events.jsonl")).toList()) {
          String run = Files.readString(events);
          if (run.contains("\"event\": \"stats\"")
              && run.contains("\"name\": \"amble: refresh the cached facts\"")) {
            return true;
          }
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return false;
  }

  List<String> finishedHosts(SshFleet fleet) {
    return fleet.hosts.stream().filter(this::finished).toList();
  }

  /** Polls until the condition holds; fails at the deadline, or when a worker died unasked. */
  void await(String what, BooleanSupplier condition, int seconds) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(seconds);
    while (!condition.getAsBoolean()) {
      for (int n = 1; n <= workers.size(); n++) {
        if (n != killed && !workers.get(n - 1).isAlive()) {
          throw new AssertionError(
              "worker "
                  + n
                  + " exited; see "
                  + OUTSIDE.resolve("workers/worker-" + n + "/worker.log"));
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("never " + what + " within " + seconds + "s");
      }
      Thread.sleep(200); // polling with a deadline
    }
  }
}
