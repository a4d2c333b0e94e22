package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's gauge of Ansible processes in flight goes up while one runs, down however it ends.
 */
class RunningProcessesTest {
  @TempDir Path dir;

  AnsibleCommand sleep(String seconds) {
    return LocalFleet.adHoc(
        dir, "command", "sleep " + seconds, dir.resolve("sleep.log"), Duration.ofMinutes(2));
  }

  @Test
  void aRunIsCountedWhileItRunsAndNoLonger() {
    List<Integer> reported = new CopyOnWriteArrayList<>();
    RunningProcesses running = new RunningProcesses(reported::add);
    ProcessRunner runner =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv(), running);
    List<Integer> seenWhileRunning = new CopyOnWriteArrayList<>();

    ProcessOutcome outcome =
        runner.run(sleep("1"), detail -> seenWhileRunning.add(running.count()));

    assertEquals(0, outcome.exitCode(), outcome.toString());
    assertEquals(List.of(0, 1, 0), reported);
    assertEquals(1, seenWhileRunning.get(0), seenWhileRunning.toString());
    assertEquals(0, running.count());
  }

  /**
   * A worker's Ansible slots are shared by its jobs (activities) and its host preparations (local
   * activities, counted apart by Temporal): past the limit a run waits, saying so, until one ends.
   */
  @Test
  void aRunPastTheLimitWaitsForASlotAndSaysSo() throws Exception {
    RunningProcesses running = new RunningProcesses(n -> {}, 1);
    running.started(() -> {}, Duration.ofMillis(10));
    java.util.concurrent.CountDownLatch waited = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CompletableFuture<Void> second =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                running.started(waited::countDown, Duration.ofMillis(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    org.junit.jupiter.api.Assertions.assertTrue(
        waited.await(30, java.util.concurrent.TimeUnit.SECONDS));
    org.junit.jupiter.api.Assertions.assertFalse(second.isDone());
    assertEquals(1, running.count());
    running.ended();
    second.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(1, running.count());
    running.ended();
    assertEquals(0, running.count());
  }

  @Test
  void aCancelledRunIsNoLongerCounted() {
    List<Integer> reported = new CopyOnWriteArrayList<>();
    RunningProcesses running = new RunningProcesses(reported::add);
    ProcessRunner runner =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv(), running);

    assertThrows(
        IllegalStateException.class,
        () ->
            runner.run(
                sleep(Processes.uniqueSleepSeconds()),
                detail -> {
                  throw new IllegalStateException("cancelled");
                }));

    assertEquals(List.of(0, 1, 0), reported);
  }
}
