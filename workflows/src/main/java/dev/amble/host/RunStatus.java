package dev.amble.host;

/** How one Ansible run went on a host. */
public enum RunStatus {
  OK,
  /** A task failed (not ignored): the failed task's name, module and message are given. */
  FAILED,
  /** Ansible could not reach the host. */
  UNREACHABLE,
  /** The run took longer than its timeout and was stopped. */
  TIMED_OUT,
  /**
   * The run came to claim the host and another workspace holds its lock: nothing was run, and the
   * message says who holds it.
   */
  LOCKED
}
