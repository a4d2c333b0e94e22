package dev.amble.ansible;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * How many Ansible processes a worker runs right now, handed to {@code report} (a metrics gauge) on
 * every change. One per worker, shared by its {@link ProcessRunner}s.
 */
public final class RunningProcesses {
  private final IntConsumer report;
  private final Optional<Semaphore> slots;
  private int running;

  /** Reports 0 at once, so that the gauge exists before the first run. */
  public RunningProcesses(IntConsumer report) {
    this(report, Optional.empty());
  }

  /**
   * At most {@code limit} at once: a run waits for a slot. A worker's jobs already wait for one of
   * its activity slots; its host preparations run in workflow tasks (local activities), whose slots
   * are counted apart, and take an Ansible slot here too.
   */
  public RunningProcesses(IntConsumer report, int limit) {
    this(report, Optional.of(new Semaphore(limit, true)));
  }

  private RunningProcesses(IntConsumer report, Optional<Semaphore> slots) {
    this.report = report;
    this.slots = slots;
    report.accept(0);
  }

  /** Counted, reported nowhere: for runners outside a worker (tests, the CLI). */
  public static RunningProcesses unreported() {
    return new RunningProcesses(n -> {});
  }

  /** Waits for a slot, telling {@code waiting} every {@code every} while it waits. */
  void started(Runnable waiting, Duration every) throws InterruptedException {
    if (slots.isPresent()) {
      while (!slots.get().tryAcquire(every.toMillis(), TimeUnit.MILLISECONDS)) {
        waiting.run();
      }
    }
    count(1);
  }

  void ended() {
    count(-1);
    slots.ifPresent(Semaphore::release);
  }

  /** Synchronized so that the reports reach the gauge in the order the count changed. */
  private synchronized void count(int change) {
    running += change;
    report.accept(running);
  }

  public synchronized int count() {
    return running;
  }
}
