package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's JVM gets SIGTERM while a run forked from an Ansible executor goes: the executor lives
 * until the worker's own stop has let the run end (the run ends 0); without the worker taking the
 * executors' end over, their own shutdown hook ends the run at once (what issue 28 saw: exit 143).
 */
class ExecutorStopOrderTest {
  @TempDir Path dir;

  @Test
  void theExecutorsEndAfterTheWorkersRunsNotBefore() throws Exception {
    assertEquals("exit 0", stopMidRun(true));
  }

  /** The same without the worker's order: the test above can fail. */
  @Test
  void onTheirOwnHookTheExecutorsEndTheRunAtOnce() throws Exception {
    String ended = stopMidRun(false);
    assertTrue(!ended.equals("exit 0"), ended);
  }

  /** Starts a stand-in worker JVM, SIGTERMs it mid-run; what it said of how the run ended. */
  private String stopMidRun(boolean ordered) throws Exception {
    // A run of about 6 s, its command line unique to this test.
    String seconds = Processes.uniqueSleepSeconds().replaceFirst("^600", "6");
    Path out = dir.resolve("child.out");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Damble.home=" + System.getProperty("amble.home"),
                "-cp",
                System.getProperty("java.class.path"),
                StandIn.class.getName(),
                dir.toString(),
                seconds,
                Boolean.toString(ordered))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      long deadline = System.currentTimeMillis() + 120_000;
      while (Processes.count("sleep " + seconds) == 0
          && child.isAlive()
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(1, Processes.count("sleep " + seconds), "the run did not start: " + read(out));
      assertTrue(read(out).contains("forked"), "not forked from an executor: " + read(out));
      child.destroy(); // SIGTERM
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the stand-in did not stop: " + read(out));
      return read(out).lines().filter(l -> l.startsWith("exit")).findFirst().orElse(read(out));
    } finally {
      child.destroyForcibly();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  /** A stand-in for a worker: one playbook run, and a shutdown hook that waits for it. */
  static final class StandIn {
    private StandIn() {}

    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      boolean ordered = Boolean.parseBoolean(args[2]);
      if (ordered) {
        WorkerStop.endExecutorsLast();
      }
      AnsibleInstallation ansible = LocalFleet.ansible();
      Path playbook = dir.resolve("sleep.yml");
      Files.writeString(
          playbook,
          "- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep " + args[1] + "\n");
      AnsibleCommand command =
          new AnsibleCommand(
              "ansible-playbook",
              LocalFleet.localPlaybookArgs(playbook),
              dir,
              Map.of(),
              dir.resolve("run.log"),
              Optional.empty(),
              Duration.ofMinutes(2),
              AnsibleCommand.ExecutorUse.WHEN_READY);
      Map<String, String> worker = System.getenv();
      ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), worker);
      boolean forked =
          AnsibleExecutors.shared()
              .socketFor(
                  ansible,
                  command.program(),
                  dir,
                  runner.environment(command, false),
                  worker,
                  AnsibleCommand.ExecutorUse.AWAIT)
              .isPresent();
      Thread run =
          new Thread(
              () -> {
                String ended;
                try {
                  ended = "exit " + runner.run(command, ProcessRunner.Progress.NONE).exitCode();
                } catch (RuntimeException e) {
                  ended = "threw " + e.getMessage();
                }
                System.out.println(ended);
                System.out.flush();
              });
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run.join(60_000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    if (ordered) {
                      WorkerStop.endExecutors();
                    }
                  }));
      System.out.println(forked ? "forked" : "not forked");
      System.out.flush();
      run.start();
      run.join();
    }
  }
}
