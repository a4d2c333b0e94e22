package dev.amble.logs;

import dev.amble.amblefile.Amblefile;

/**
 * A piece of one Ansible log, asked of the worker that wrote it.
 *
 * @param workspace the workspace of the host
 * @param host the host whose log it is
 * @param log the log's path on the worker, as the step's result named it; empty: the log of the
 *     step that runs now, whose result is not in yet (by {@code run}, else by {@code after})
 * @param after with no {@code log} and no {@code run}: a log's file name; the log wanted comes
 *     after it (empty: the host's first). How workers before {@code run} find a running step's log.
 * @param offset where to start, in bytes
 * @param waitMillis when there is nothing past {@code offset} yet, how long to wait for more
 * @param project the workspace's project (its folder on the worker); {@value
 *     Amblefile#DEFAULT_PROJECT} from a CLI that did not say
 * @param run with no {@code log}: the {@link RunLogTag} of the running step's attempt, whose log is
 *     wanted; empty: none (a request of an older amble)
 */
public record LogRequest(
    String workspace,
    String host,
    String log,
    String after,
    long offset,
    long waitMillis,
    String project,
    String run) {
  public LogRequest {
    project = project == null ? Amblefile.DEFAULT_PROJECT : project;
    run = run == null ? "" : run; // absent from an older amble's request
  }

  /** A request without a run's tag. */
  public LogRequest(
      String workspace,
      String host,
      String log,
      String after,
      long offset,
      long waitMillis,
      String project) {
    this(workspace, host, log, after, offset, waitMillis, project, "");
  }

  /** A piece of a log of project default's workspace. */
  public LogRequest(
      String workspace, String host, String log, String after, long offset, long waitMillis) {
    this(workspace, host, log, after, offset, waitMillis, Amblefile.DEFAULT_PROJECT);
  }

  /** At most this much of a log in one piece: well under Temporal's payload limits. */
  public static final int MAX_PIECE = 256 * 1024;
}
