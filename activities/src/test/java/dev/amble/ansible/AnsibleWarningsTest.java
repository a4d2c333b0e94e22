package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal stays clean: the {@code CryptographyDeprecationWarning: DSA is deprecated} that
 * Ansible's imports print on every start is not in a run's output, whether the run starts Ansible
 * itself or an executor (which imports Ansible once, its stderr the worker's or CLI's) serves it;
 * other warnings still show.
 */
class AnsibleWarningsTest {
  static final String DSA = "CryptographyDeprecationWarning: DSA is deprecated";

  @TempDir Path dir;

  private final AnsibleInstallation ansible = LocalFleet.ansible();

  private AnsibleCommand playbookRun() throws IOException {
    Path playbook = dir.resolve("playbook.yml");
    Files.writeString(
        playbook, "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: done }\n");
    return new AnsibleCommand(
        "ansible-playbook",
        List.of("-i", "localhost,", "-c", "local", playbook.toString()),
        dir,
        Map.of(),
        dir.resolve("run.log"),
        Optional.empty(),
        Duration.ofMinutes(2),
        AnsibleCommand.ExecutorUse.WHEN_READY);
  }

  /** The worker's environment, with executors off: each run starts Ansible itself. */
  private static Map<String, String> cold() {
    Map<String, String> worker = new HashMap<>(System.getenv());
    worker.put(AnsibleExecutors.SWITCH, "off");
    return worker;
  }

  @Test
  void aRunThatStartsAnsibleShowsNoDsaWarning() throws Exception {
    AnsibleCommand command = playbookRun();
    // The same run, without amble's filter: the warning is there to be silenced (else this
    // Ansible and cryptography do not print it, and there is nothing to show).
    AnsibleCommand unfiltered =
        new AnsibleCommand(
            command.program(),
            command.args(),
            command.workingDirectory(),
            Map.of("PYTHONWARNINGS", ""),
            dir.resolve("unfiltered.log"),
            command.events(),
            command.timeout(),
            AnsibleCommand.ExecutorUse.WHEN_READY);
    ProcessOutcome before =
        new ProcessRunner(ansible, Optional.empty(), cold())
            .run(unfiltered, ProcessRunner.Progress.NONE);
    String beforeLog = Files.readString(dir.resolve("unfiltered.log"));
    assertEquals(0, before.exitCode(), beforeLog);
    assumeTrue(beforeLog.contains(DSA), "this Ansible prints no DSA warning:\n" + beforeLog);

    ProcessOutcome outcome =
        new ProcessRunner(ansible, Optional.empty(), cold())
            .run(command, ProcessRunner.Progress.NONE);
    String log = Files.readString(dir.resolve("run.log"));
    assertEquals(0, outcome.exitCode(), log);
    assertFalse(log.contains(DSA), log);
    assertFalse(log.contains("Invalid -W option"), log);
  }

  /**
   * An executor as amble starts one (the interpreter of ansible-playbook, amble_executor.py, the
   * run's environment): what it prints on its stderr while it imports Ansible and until it ends.
   */
  @Test
  void anExecutorImportingAnsibleShowsNoDsaWarning() throws Exception {
    AnsibleCommand command = playbookRun();
    Map<String, String> environment =
        new ProcessRunner(ansible, Optional.empty(), System.getenv()).environment(command, false);
    Path python =
        AnsibleExecutors.interpreter(
                ansible.program("ansible-playbook"), environment.getOrDefault("PATH", ""))
            .orElseThrow();
    ProcessBuilder builder =
        new ProcessBuilder(
                python.toString(),
                ansible.executor().toString(),
                dir.resolve("executor.sock").toString(),
                "60")
            .directory(dir.toFile());
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process executor = builder.start();
    CompletableFuture<String> stderr = readAll(executor.getErrorStream());
    try {
      String ready =
          new String(executor.getInputStream().readNBytes(6), StandardCharsets.UTF_8).trim();
      assertEquals("ready", ready);
    } finally {
      executor.getOutputStream().close(); // its stdin closed: the executor ends
      if (!executor.waitFor(60, TimeUnit.SECONDS)) {
        executor.destroyForcibly();
      }
    }
    String err = stderr.get(60, TimeUnit.SECONDS);
    assertFalse(err.contains(DSA), err);
    assertFalse(err.contains("Invalid -W option"), err);
  }

  private static CompletableFuture<String> readAll(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return e.toString();
          }
        });
  }
}
