package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher and runner: timeouts, cancellation and parent death end the whole process tree. */
class ProcessRunnerTest {
  @TempDir Path dir;

  /** An ad-hoc Ansible command whose task is a shell sleeping for {@code seconds}. */
  AnsibleCommand sleeping(String seconds, Duration timeout) {
    return LocalFleet.adHoc(dir, "command", "sleep " + seconds, dir.resolve("sleep.log"), timeout);
  }

  @Test
  void cancellingEndsTheProcessTreeWithinFiveSeconds() throws Exception {
    ProcessRunner runner =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv());
    AtomicInteger reports = new AtomicInteger();
    long[] cancelledAt = new long[1];
    RuntimeException stop = new RuntimeException("cancelled");
    String seconds = Processes.uniqueSleepSeconds();
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                runner.run(
                    sleeping(seconds, Duration.ofMinutes(5)),
                    detail -> {
                      if (Processes.count("sleep " + seconds) > 0
                          && reports.incrementAndGet() > 0) {
                        cancelledAt[0] = System.currentTimeMillis();
                        throw stop;
                      }
                    }));
    assertEquals(stop, thrown);
    long gone = Processes.awaitGone("sleep " + seconds, 5000);
    assertTrue(gone >= 0, "sleep still runs 5 s after cancelling");
    assertTrue(System.currentTimeMillis() - cancelledAt[0] < 5000);
  }

  @Test
  void aTimeoutEndsTheTreeAndSaysSo() throws Exception {
    ProcessRunner runner =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv());
    String seconds = Processes.uniqueSleepSeconds();
    ProcessOutcome outcome =
        runner.run(sleeping(seconds, Duration.ofSeconds(4)), ProcessRunner.Progress.NONE);
    assertTrue(outcome.timedOut());
    assertTrue(Processes.awaitGone("sleep " + seconds, 5000) >= 0, "sleep outlived the timeout");
    assertTrue(Files.readString(dir.resolve("sleep.log")).contains("# amble: timed out"));
  }

  @Test
  void whenItsParentDiesTheLauncherEndsTheTree() throws Exception {
    AnsibleInstallation ansible = LocalFleet.ansible();
    // A stand-in for the worker: a shell that starts the launcher, killed with SIGKILL.
    String sleep = "/bin/sleep " + Processes.uniqueSleepSeconds();
    Process parent =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "\"$0\" \"$1\" " + sleep + " & wait",
                ansible.python().toString(),
                ansible.launcher().toString())
            .start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (Processes.count(sleep) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, Processes.count(sleep));
    parent.destroyForcibly();
    parent.waitFor(5, TimeUnit.SECONDS);
    assertTrue(Processes.awaitGone(sleep, 5000) >= 0, "the job outlived its worker");
  }

  @Test
  void theEnvironmentIsBuiltExplicitly() {
    ProcessRunner runner =
        new ProcessRunner(
            LocalFleet.ansible(),
            Optional.empty(),
            Map.of(
                "HOME", "/root",
                "ANSIBLE_STDOUT_CALLBACK", "yaml",
                "AMBLE_BECOME_PASSWORD", "secret",
                "AWS_SECRET_ACCESS_KEY", "secret",
                "PATH", "/somewhere"));
    Map<String, String> env = runner.environment(sleeping("1", Duration.ofSeconds(1)), false);
    assertEquals("yaml", env.get("ANSIBLE_STDOUT_CALLBACK"));
    assertEquals("/root", env.get("HOME"));
    assertTrue(env.get("PATH").startsWith(LocalFleet.ansible().bin().toString()));
    assertTrue(
        !env.containsKey("AMBLE_BECOME_PASSWORD") && !env.containsKey("AWS_SECRET_ACCESS_KEY"),
        env.toString());
  }
}
