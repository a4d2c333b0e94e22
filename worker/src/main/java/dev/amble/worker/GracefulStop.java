package dev.amble.worker;

import dev.amble.ansible.WorkerStop;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A worker's stop, in one order (SIGTERM or Ctrl-C): it polls no more; the Ansible runs in progress
 * may end within the stop timeout, and their results are reported as usual; what still runs then is
 * interrupted, its process tree ended, and its activity fails as a worker fault, which Temporal
 * retries on another worker (or, if this one cannot report it, after the heartbeat timeout): never
 * a failed host. Only then do the Ansible executors the runs were forked from end.
 */
public final class GracefulStop {
  /** How long interrupted runs get to end their process trees and report their faults. */
  static final Duration INTERRUPTED_GRACE = Duration.ofSeconds(20);

  private GracefulStop() {}

  /**
   * Called when the worker starts, before it runs anything: its Ansible executors end when {@link
   * #stop} says, not on a shutdown hook of their own.
   */
  public static void prepare() {
    WorkerStop.endExecutorsLast();
  }

  /**
   * Stops {@code factory} gracefully; returns whether every run ended within {@code timeout}.
   *
   * @param err where it says what it does
   */
  public static boolean stop(WorkerFactory factory, Duration timeout, PrintWriter err) {
    err.printf(
        "amble worker: stopping: no new work; waiting up to %ds for Ansible runs in progress%n",
        timeout.toSeconds());
    err.flush();
    WorkerStop.begin();
    factory.shutdown();
    factory.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    boolean ended = factory.isTerminated();
    if (!ended) {
      err.printf(
          "amble worker: Ansible runs still in progress after %ds: stopping them; each is retried"
              + " on another worker%n",
          timeout.toSeconds());
      err.flush();
      factory.shutdownNow();
      factory.awaitTermination(INTERRUPTED_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }
    WorkerStop.endExecutors();
    return ended;
  }
}
