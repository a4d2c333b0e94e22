package dev.amble.host;

import java.util.List;

/**
 * The outcome of one Ansible run on a host: small enough for workflow history. Full output stays in
 * the log, which is named here; a run that did not go well also carries the log's last lines, so
 * that why a host failed can be read after the worker that holds the log is gone.
 *
 * @param task the failed task's name (empty unless FAILED or UNREACHABLE)
 * @param module the failed task's module, e.g. {@code ansible.builtin.apt}
 * @param message one line about the failure, at most a few hundred characters
 * @param changed how many tasks reported a change
 * @param log the log file on the worker that ran it
 * @param tail the log's last lines when the run did not go well (at most {@link #TAIL_BYTES}
 *     bytes), as Ansible printed them: a {@code no_log} task's output is hidden there
 */
public record RunResult(
    RunStatus status,
    String task,
    String module,
    String message,
    int changed,
    String log,
    List<String> tail) {
  /** How much of a failed run's log goes into history with its result. */
  public static final int TAIL_BYTES = 4096;

  /** A result recorded before results carried their log's last lines has none. */
  public RunResult {
    tail = tail == null ? List.of() : List.copyOf(tail);
  }

  public RunResult(
      RunStatus status, String task, String module, String message, int changed, String log) {
    this(status, task, module, message, changed, log, List.of());
  }

  public boolean ok() {
    return status == RunStatus.OK;
  }

  /** The same result with the log's last lines. */
  public RunResult withTail(List<String> lines) {
    return new RunResult(status, task, module, message, changed, log, lines);
  }

  /** "task 'x' (module): message" for people. */
  public String describe() {
    return switch (status) {
      case OK -> "ok";
      case TIMED_OUT -> "timed out" + (task.isEmpty() ? "" : " in task '" + task + "'");
      case UNREACHABLE -> "unreachable: " + message;
      case FAILED ->
          task.isEmpty()
              ? "failed: " + message
              : "task '" + task + "' (" + module + ") failed: " + message;
      case LOCKED -> message;
    };
  }
}
