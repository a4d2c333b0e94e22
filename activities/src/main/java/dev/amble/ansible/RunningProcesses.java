package dev.amble.ansible;

import java.util.function.IntConsumer;

/**
 * How many Ansible processes a worker runs right now, handed to {@code report} (a metrics gauge) on
 * every change. One per worker, shared by its {@link ProcessRunner}s.
 */
public final class RunningProcesses {
  private final IntConsumer report;
  private int running;

  /** Reports 0 at once, so that the gauge exists before the first run. */
  public RunningProcesses(IntConsumer report) {
    this.report = report;
    report.accept(0);
  }

  /** Counted, reported nowhere: for runners outside a worker (tests, the CLI). */
  public static RunningProcesses unreported() {
    return new RunningProcesses(n -> {});
  }

  /** Synchronized so that the reports reach the gauge in the order the count changed. */
  synchronized void started() {
    running++;
    report.accept(running);
  }

  synchronized void ended() {
    running--;
    report.accept(running);
  }

  public synchronized int count() {
    return running;
  }
}
