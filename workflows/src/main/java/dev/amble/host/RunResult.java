package dev.amble.host;

/**
 * The outcome of one Ansible run on a host: small enough for workflow history. Full output stays in
 * the log, which is named here.
 *
 * @param task the failed task's name (empty unless FAILED or UNREACHABLE)
 * @param module the failed task's module, e.g. {@code ansible.builtin.apt}
 * @param message one line about the failure, at most a few hundred characters
 * @param changed how many tasks reported a change
 * @param log the log file on the worker that ran it
 */
public record RunResult(
    RunStatus status, String task, String module, String message, int changed, String log) {
  public boolean ok() {
    return status == RunStatus.OK;
  }

  /** "task 'x' (module): message" for people. */
  public String describe() {
    return switch (status) {
      case OK -> "ok";
      case TIMED_OUT -> "timed out" + (task.isEmpty() ? "" : " in task '" + task + "'");
      case UNREACHABLE -> "unreachable: " + message;
      case FAILED -> "task '" + task + "' (" + module + ") failed: " + message;
      case LOCKED -> message;
    };
  }
}
