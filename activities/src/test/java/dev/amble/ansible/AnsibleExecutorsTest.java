package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-lived executor: runs are forked from it (one per configuration), a changed ansible.cfg
 * is honoured, a crashed run stays alone, and cancellation, timeouts and the death of the worker
 * still end the whole tree.
 */
class AnsibleExecutorsTest {
  @TempDir Path dir;

  private final AnsibleInstallation ansible = LocalFleet.ansible();

  /**
   * A script a playbook's pipe lookup runs: Ansible's worker process (a fork of the controller,
   * with its command line) starts {@code /bin/sh -c SCRIPT}, which starts the script; {@code
   * $WORKER} is that worker's pid.
   */
  private Path script(String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\nWORKER=$(cut -d' ' -f4 /proc/$PPID/stat)\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private Path playbook(String tasks) throws IOException {
    Path file = dir.resolve("playbook.yml");
    Files.writeString(
        file,
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
            + tasks.indent(4)
            + "    - debug: { msg: done }\n");
    return file;
  }

  private List<String> playbookArgs(Path playbook) {
    return LocalFleet.localPlaybookArgs(playbook);
  }

  private AnsibleCommand playbookRun(Path playbook, Map<String, String> env, Duration timeout) {
    return new AnsibleCommand(
        "ansible-playbook",
        playbookArgs(playbook),
        dir,
        env,
        dir.resolve("run.log"),
        Optional.empty(),
        timeout,
        AnsibleCommand.ExecutorUse.WHEN_READY);
  }

  /**
   * Runs {@code command}; first, unless the worker turned executors off, waits until the executor
   * of its configuration is ready (the first run of a configuration does not wait for it).
   */
  private ProcessOutcome run(AnsibleCommand command, Map<String, String> worker) {
    ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), worker);
    AnsibleExecutors.shared()
        .socketFor(
            ansible,
            command.program(),
            command.workingDirectory(),
            runner.environment(command, false),
            worker,
            AnsibleCommand.ExecutorUse.AWAIT);
    return runner.run(command, detail -> {});
  }

  private String log() throws IOException {
    String text = Files.readString(dir.resolve("run.log"));
    Files.delete(dir.resolve("run.log"));
    return text;
  }

  /** The command line of the process that ran the playbook's lookups (Ansible's controller). */
  private String controllerTask() throws IOException {
    Path who = script("who.sh", "tr '\\000' ' ' < /proc/$WORKER/cmdline");
    return "- debug: { msg: \"controller: {{ lookup('pipe', '" + who + "') }}\" }";
  }

  @Test
  void runsAreForkedFromOneExecutorPerConfiguration() throws Exception {
    Path playbook = playbook(controllerTask());
    int before = AnsibleExecutors.shared().started();
    for (int i = 0; i < 2; i++) {
      ProcessOutcome outcome =
          run(playbookRun(playbook, Map.of(), Duration.ofMinutes(2)), System.getenv());
      String log = log();
      assertEquals(0, outcome.exitCode(), log);
      assertTrue(log.contains("amble_executor.py"), log);
    }
    assertEquals(1, AnsibleExecutors.shared().started() - before);
  }

  @Test
  void theFirstRunOfAConfigurationDoesNotWaitForItsExecutor() throws Exception {
    int before = AnsibleExecutors.shared().started();
    ProcessOutcome outcome =
        new ProcessRunner(ansible, Optional.empty(), System.getenv())
            .run(playbookRun(playbook(controllerTask()), Map.of(), Duration.ofMinutes(2)), d -> {});
    String log = log();
    assertEquals(0, outcome.exitCode(), log);
    assertTrue(log.contains("bin/ansible-playbook") && !log.contains("amble_executor.py"), log);
    assertEquals(1, AnsibleExecutors.shared().started() - before, "no executor was started");
  }

  @Test
  void aRunThatAwaitsItsExecutorIsForkedFromItsFirstRun() throws Exception {
    int before = AnsibleExecutors.shared().started();
    ProcessOutcome outcome =
        new ProcessRunner(ansible, Optional.empty(), System.getenv())
            .run(
                playbookRun(playbook(controllerTask()), Map.of(), Duration.ofMinutes(2))
                    .withExecutor(AnsibleCommand.ExecutorUse.AWAIT),
                d -> {});
    String log = log();
    assertEquals(0, outcome.exitCode(), log);
    assertTrue(log.contains("amble_executor.py"), log);
    assertEquals(1, AnsibleExecutors.shared().started() - before);
  }

  @Test
  void aRunIfRunningStartsNoExecutorButUsesOneThatRuns() throws Exception {
    int before = AnsibleExecutors.shared().started();
    ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), System.getenv());
    AnsibleCommand ifRunning =
        playbookRun(playbook(controllerTask()), Map.of(), Duration.ofMinutes(2))
            .withExecutor(AnsibleCommand.ExecutorUse.IF_RUNNING);
    ProcessOutcome outcome = runner.run(ifRunning, d -> {});
    String log = log();
    assertEquals(0, outcome.exitCode(), log);
    assertTrue(log.contains("bin/ansible-playbook") && !log.contains("amble_executor.py"), log);
    assertEquals(before, AnsibleExecutors.shared().started(), "an executor was started");

    run(playbookRun(playbook(controllerTask()), Map.of(), Duration.ofMinutes(2)), System.getenv());
    log();
    outcome = runner.run(ifRunning, d -> {});
    log = log();
    assertEquals(0, outcome.exitCode(), log);
    assertTrue(log.contains("amble_executor.py"), log);
    assertEquals(1, AnsibleExecutors.shared().started() - before);
  }

  @Test
  void offStartsAnsibleForEachRun() throws Exception {
    Map<String, String> worker = new HashMap<>(System.getenv());
    worker.put(AnsibleExecutors.SWITCH, "off");
    int before = AnsibleExecutors.shared().started();
    ProcessOutcome outcome =
        run(playbookRun(playbook(controllerTask()), Map.of(), Duration.ofMinutes(2)), worker);
    String log = log();
    assertEquals(0, outcome.exitCode(), log);
    assertTrue(log.contains("bin/ansible-playbook") && !log.contains("amble_executor.py"), log);
    assertEquals(before, AnsibleExecutors.shared().started());
  }

  @Test
  void aChangedAnsibleCfgIsHonoured() throws Exception {
    Path config = dir.resolve("ansible.cfg");
    Path playbook =
        playbook("- debug: { msg: \"timeout={{ lookup('config', 'DEFAULT_TIMEOUT') }}\" }");
    Map<String, String> env = Map.of("ANSIBLE_CONFIG", config.toString());
    Files.writeString(config, "[defaults]\ntimeout = 11\n");
    run(playbookRun(playbook, env, Duration.ofMinutes(2)), System.getenv());
    assertTrue(log().contains("timeout=11"));
    Files.writeString(config, "[defaults]\ntimeout = 12\n");
    Files.setLastModifiedTime(
        config, FileTime.fromMillis(Files.getLastModifiedTime(config).toMillis() + 2000));
    run(playbookRun(playbook, env, Duration.ofMinutes(2)), System.getenv());
    String log = log();
    assertTrue(log.contains("timeout=12"), log);
  }

  /**
   * A run's controller checks on its workers every 0.02 s, not Ansible's default millisecond,
   * unless ansible.cfg sets {@code internal_poll_interval}; a run started without the executor
   * keeps Ansible's default. An action plugin beside the playbook (run in a fork of the controller)
   * reports the controller's setting.
   */
  @Test
  void runsPollLessUnlessAnsibleCfgSays() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("action_plugins"));
    Files.writeString(
        plugins.resolve("show_poll.py"),
        "from ansible import constants as C\n"
            + "from ansible.plugins.action import ActionBase\n"
            + "class ActionModule(ActionBase):\n"
            + "    def run(self, tmp=None, task_vars=None):\n"
            + "        return {'msg': 'poll=%s' % C.DEFAULT_INTERNAL_POLL_INTERVAL}\n");
    Path playbook = playbook("- show_poll: {}\n  register: p\n- debug: { msg: \"{{ p.msg }}\" }");

    run(playbookRun(playbook, Map.of(), Duration.ofMinutes(2)), System.getenv());
    String warm = log();
    assertTrue(warm.contains("poll=0.02"), warm);

    Path config = dir.resolve("ansible.cfg");
    Files.writeString(config, "[defaults]\ninternal_poll_interval = 0.005\n");
    run(
        playbookRun(playbook, Map.of("ANSIBLE_CONFIG", config.toString()), Duration.ofMinutes(2)),
        System.getenv());
    String chosen = log();
    assertTrue(chosen.contains("poll=0.005"), chosen);

    Files.delete(config); // Ansible would read it in the working folder
    Map<String, String> off = new HashMap<>(System.getenv());
    off.put(AnsibleExecutors.SWITCH, "off");
    run(playbookRun(playbook, Map.of(), Duration.ofMinutes(2)), off);
    String cold = log();
    assertTrue(cold.contains("poll=0.001"), cold);
  }

  /**
   * The executor parses ansible.builtin's routing table once for all its runs; the tables of other
   * collections are read by each run: one changed on disk takes effect at the next run. The
   * collection beside the playbook routes its action {@code hop} to debug, then to fail.
   */
  @Test
  void aCollectionsChangedRoutingIsReadAgain() throws Exception {
    Path meta = dir.resolve("collections/ansible_collections/amble_test/routes/meta");
    Files.createDirectories(meta);
    Path routing = meta.resolve("runtime.yml");
    String table = "plugin_routing:\n  %s:\n    hop:\n      redirect: ansible.builtin.%s\n";
    Path playbook = playbook(controllerTask() + "\n- amble_test.routes.hop: { msg: hop was here }");
    int before = AnsibleExecutors.shared().started();
    Files.writeString(routing, table.formatted("action", "debug"));
    ProcessOutcome debug =
        run(playbookRun(playbook, Map.of(), Duration.ofMinutes(2)), System.getenv());
    String debugLog = log();
    assertEquals(0, debug.exitCode(), debugLog);
    assertTrue(debugLog.contains("amble_executor.py"), debugLog);
    Files.writeString(routing, table.formatted("action", "fail"));
    ProcessOutcome fail =
        run(playbookRun(playbook, Map.of(), Duration.ofMinutes(2)), System.getenv());
    String failLog = log();
    assertNotEquals(0, fail.exitCode(), failLog);
    assertTrue(failLog.contains("amble_executor.py"), failLog);
    assertTrue(
        failLog.contains(
            "fatal: [localhost]: FAILED! => {\"changed\": false, \"msg\": \"hop was here\"}"),
        failLog);
    assertEquals(1, AnsibleExecutors.shared().started() - before);
  }

  @Test
  void aCrashedRunLeavesTheExecutorServing() throws Exception {
    // Kills the controller: the parent of the worker process that runs the lookup.
    Path crash = script("crash.sh", "kill -9 $(cut -d' ' -f4 /proc/$WORKER/stat)");
    Path crashing = playbook("- debug: { msg: \"{{ lookup('pipe', '" + crash + "') }}\" }");
    ProcessOutcome crashed =
        run(playbookRun(crashing, Map.of(), Duration.ofMinutes(2)), System.getenv());
    String crashLog = log();
    assertEquals(128 + 9, crashed.exitCode(), crashLog);
    int before = AnsibleExecutors.shared().started();
    Path fine = playbook(controllerTask());
    ProcessOutcome outcome =
        run(playbookRun(fine, Map.of(), Duration.ofMinutes(2)), System.getenv());
    String log = log();
    assertEquals(0, outcome.exitCode(), log);
    assertTrue(log.contains("amble_executor.py"), log);
    assertEquals(before, AnsibleExecutors.shared().started(), "the executor was started again");
  }

  @Test
  void cancellingEndsTheForkedRunsTree() throws Exception {
    String seconds = Processes.uniqueSleepSeconds();
    Path playbook = playbook("- command: sleep " + seconds);
    AnsibleCommand command = playbookRun(playbook, Map.of(), Duration.ofMinutes(5));
    ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), System.getenv());
    AnsibleExecutors.shared()
        .socketFor(
            ansible,
            command.program(),
            dir,
            runner.environment(command, false),
            System.getenv(),
            AnsibleCommand.ExecutorUse.AWAIT);
    RuntimeException stop = new RuntimeException("cancelled");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                runner.run(
                    command,
                    detail -> {
                      if (Processes.count("sleep " + seconds) > 0) {
                        throw stop;
                      }
                    }));
    assertEquals(stop, thrown);
    assertTrue(Processes.awaitGone("sleep " + seconds, 5000) >= 0, "sleep outlived the cancel");
  }

  @Test
  void aTimeoutEndsTheForkedRunsTree() throws Exception {
    String seconds = Processes.uniqueSleepSeconds();
    Path playbook = playbook("- command: sleep " + seconds);
    ProcessOutcome outcome =
        run(playbookRun(playbook, Map.of(), Duration.ofSeconds(6)), System.getenv());
    assertTrue(outcome.timedOut());
    assertTrue(Processes.awaitGone("sleep " + seconds, 5000) >= 0, "sleep outlived the timeout");
  }

  /**
   * The worker is killed with SIGKILL while a forked run goes: the executor (whose parent it was)
   * ends the run's tree, and exits.
   */
  @Test
  void whenTheWorkerDiesTheExecutorEndsItsRuns() throws Exception {
    String seconds = Processes.uniqueSleepSeconds();
    Path playbook = playbook("- command: sleep " + seconds);
    Path socket = Files.createTempDirectory(Path.of("/tmp"), "amble-exec-test-").resolve("s");
    Map<String, String> env =
        new ProcessRunner(ansible, Optional.empty(), System.getenv())
            .environment(playbookRun(playbook, Map.of(), Duration.ofMinutes(5)), false);
    // A stand-in for the worker: a Python process that starts the executor and waits.
    ProcessBuilder standIn =
        new ProcessBuilder(
                ansible.python().toString(),
                "-c",
                "import subprocess, sys, time\n"
                    + "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE)\n"
                    + "time.sleep(100000)\n",
                ansible.python().toString(),
                ansible.executor().toString(),
                socket.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true);
    standIn.environment().clear();
    standIn.environment().putAll(env);
    Process worker = standIn.start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!Files.exists(socket) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(socket), "the executor did not listen");
    // The launcher, as ProcessRunner starts it, handed the executor's socket.
    List<String> line =
        new java.util.ArrayList<>(
            List.of(
                ansible.python().toString(),
                ansible.launcher().toString(),
                ansible.program("ansible-playbook").toString()));
    line.addAll(playbookArgs(playbook));
    ProcessBuilder launcher =
        new ProcessBuilder(line)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("launcher.log").toFile());
    launcher.environment().clear();
    launcher.environment().putAll(env);
    launcher.environment().put(AnsibleExecutors.SOCKET_VARIABLE, socket.toString());
    Process run = launcher.start();
    while (Processes.count("sleep " + seconds) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, Processes.count("sleep " + seconds));
    String controller =
        Processes.commandLines().stream()
            .filter(l -> l.contains("amble_executor.py") && l.contains(socket.toString()))
            .findFirst()
            .orElse("");
    assertNotEquals("", controller, "no executor serves the run");
    worker.destroyForcibly();
    worker.waitFor(5, TimeUnit.SECONDS);
    assertTrue(Processes.awaitGone("sleep " + seconds, 8000) >= 0, "the job outlived its worker");
    assertTrue(run.waitFor(10, TimeUnit.SECONDS), "the launcher did not end");
    assertTrue(Processes.awaitGone(controller, 8000) >= 0, "the executor outlived it");
    run.destroyForcibly();
  }
}
