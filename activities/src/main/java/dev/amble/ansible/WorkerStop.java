package dev.amble.ansible;

/**
 * How a worker stops gracefully, in order: it takes no new work, lets its Ansible runs end (up to
 * its stop timeout), stops what is left as a worker fault (retried on another worker), and only
 * then ends the Ansible executors those runs were forked from.
 *
 * <p>While the worker stops, a run that a signal ended (an exit above 128, or the launcher's 125:
 * its executor went away) is not Ansible's answer about the host: it is the worker's fault, thrown
 * as an {@link AnsibleException} and retried elsewhere, never recorded as a failed host.
 */
public final class WorkerStop {
  private static volatile boolean stopping;

  private WorkerStop() {}

  /**
   * Called when a worker starts: its executors end when it calls {@link #endExecutors}, not on a
   * shutdown hook of their own (which would end the runs the worker's stop waits for).
   */
  public static void endExecutorsLast() {
    AnsibleExecutors.shared().endedByCaller();
  }

  /** The worker stops from now on: runs a signal ends are worker faults. */
  public static void begin() {
    stopping = true;
  }

  /** Ends the executors, and any run still forked from them: after the worker's runs ended. */
  public static void endExecutors() {
    AnsibleExecutors.shared().endAll();
  }

  static boolean stopping() {
    return stopping;
  }

  /** For tests: the worker runs again. */
  static void reset() {
    stopping = false;
  }

  /** Whether an exit code says a signal ended the run (or its executor went away under it). */
  static boolean endedBySignal(int exitCode) {
    return exitCode > 128 || exitCode == 125;
  }
}
