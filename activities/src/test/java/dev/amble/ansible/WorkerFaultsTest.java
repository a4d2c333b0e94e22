package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that end for the worker's reasons, not Ansible's: they throw (an activity failure, retried
 * on another worker) instead of returning an outcome that would be recorded as a failed host.
 */
class WorkerFaultsTest {
  @TempDir Path dir;

  private final AnsibleInstallation ansible = LocalFleet.ansible();

  @AfterEach
  void workerRunsAgain() {
    WorkerStop.reset();
  }

  private AnsibleCommand adHoc(String shellCommand, Path log, Duration timeout) {
    return LocalFleet.adHoc(dir, "shell", shellCommand, log, timeout);
  }

  /** What the run threw, or the outcome it returned (a test failure either way it should not). */
  private static Throwable thrownBy(CompletableFuture<ProcessOutcome> run) throws Exception {
    try {
      ProcessOutcome outcome = run.get(3, TimeUnit.MINUTES);
      throw new AssertionError(
          "the run returned an outcome, to be recorded as Ansible's: " + outcome);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /**
   * Past the stop timeout the worker interrupts its runs (WorkerFactory.shutdownNow): the run's
   * tree is ended and the run throws, saying it is retried elsewhere.
   */
  @Test
  void aRunStoppedPastTheStopTimeoutIsAWorkerFault() throws Exception {
    ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), System.getenv());
    String seconds = Processes.uniqueSleepSeconds();
    AtomicReference<Thread> activity = new AtomicReference<>();
    CompletableFuture<ProcessOutcome> run =
        CompletableFuture.supplyAsync(
            () -> {
              activity.set(Thread.currentThread());
              return runner.run(
                  adHoc("sleep " + seconds, dir.resolve("run.log"), Duration.ofMinutes(5)),
                  ProcessRunner.Progress.NONE);
            });
    long deadline = System.currentTimeMillis() + 60_000;
    while (Processes.count("sleep " + seconds) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, Processes.count("sleep " + seconds), "the run did not start");
    WorkerStop.begin();
    activity.get().interrupt();
    Throwable fault = thrownBy(run);
    assertInstanceOf(AnsibleException.class, fault);
    assertTrue(fault.getMessage().contains("retried on another worker"), fault.getMessage());
    assertTrue(Processes.awaitGone("sleep " + seconds, 10_000) >= 0, "the run outlived the stop");
  }

  /**
   * While the worker stops, a run that a signal ended (SIGTERM to Ansible from elsewhere: exit 143)
   * is no answer of Ansible's about the host.
   */
  @Test
  void aRunASignalEndsWhileTheWorkerStopsIsAWorkerFault() throws Exception {
    ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), System.getenv());
    String seconds = Processes.uniqueSleepSeconds();
    CompletableFuture<ProcessOutcome> run =
        CompletableFuture.supplyAsync(
            () ->
                runner.run(
                    adHoc("sleep " + seconds, dir.resolve("run.log"), Duration.ofMinutes(2)),
                    ProcessRunner.Progress.NONE));
    long deadline = System.currentTimeMillis() + 60_000;
    while (Processes.count("sleep " + seconds) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    WorkerStop.begin();
    // Ansible's controller: the launcher's child.
    ProcessHandle controller =
        ProcessHandle.allProcesses()
            .filter(
                p ->
                    p.parent()
                        .flatMap(q -> q.info().commandLine())
                        .map(c -> c.contains("amble_launch.py") && c.contains(seconds))
                        .orElse(false))
            .findFirst()
            .orElseThrow();
    controller.destroy();
    Throwable fault = thrownBy(run);
    assertInstanceOf(AnsibleException.class, fault);
    assertTrue(fault.getMessage().contains("while the worker stopped"), fault.getMessage());
  }

  /**
   * The log's disk is full (a 1 MB tmpfs, all but a little of it taken): the run, which prints far
   * more, ends as a worker fault that says so, instead of blocking on its unread output until its
   * timeout (on the code before, it returned a timed-out outcome after 2 minutes).
   */
  @Test
  void aFullLogDiskEndsTheRunAsAWorkerFault() throws Exception {
    Path disk = Files.createDirectory(dir.resolve("disk"));
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "mounting a small tmpfs for a full disk takes root");
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(mount.getInputStream().readAllBytes());
    assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here: " + said);
    try {
      // Leave a few KB: the run's first lines are written, then the disk is full.
      try (OutputStream filler =
          Files.newOutputStream(disk.resolve("filler"), StandardOpenOption.CREATE_NEW)) {
        byte[] block = new byte[4096];
        for (int i = 0; i < (1024 - 16) / 4; i++) {
          filler.write(block);
        }
      }
      ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), System.getenv());
      CompletableFuture<ProcessOutcome> run =
          CompletableFuture.supplyAsync(
              () ->
                  runner.run(
                      adHoc("seq 1 400000", disk.resolve("run.log"), Duration.ofMinutes(2)),
                      ProcessRunner.Progress.NONE));
      Throwable fault = thrownBy(run);
      assertInstanceOf(AnsibleException.class, fault);
      assertTrue(fault.getMessage().contains("cannot write its log"), fault.getMessage());
      assertTrue(fault.getMessage().contains("No space left on device"), fault.getMessage());
    } finally {
      new ProcessBuilder("umount", disk.toString()).inheritIO().start().waitFor();
    }
  }

  /** A worker's executors end when its stop says, after its runs, not on their own hook. */
  @Test
  void aWorkersExecutorsEndAfterItsRunsNotOnTheirOwnHook() {
    assertTrue(AnsibleExecutors.shared().endsOnItsOwnHook(), "outside a worker: with the JVM");
    WorkerStop.endExecutorsLast();
    assertFalse(AnsibleExecutors.shared().endsOnItsOwnHook());
  }
}
