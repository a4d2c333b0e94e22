package dev.amble.logs;

import dev.amble.amblefile.Amblefile;

/**
 * A piece of one Ansible log, asked of the worker that wrote it.
 *
 * @param workspace the workspace of the host
 * @param host the host whose log it is
 * @param log the log's path on the worker, as the step's result named it; empty: the host's first
 *     log written after {@code after} (the step that runs now, whose result is not in yet)
 * @param after with no {@code log}: a log's file name; the log wanted comes after it (empty: the
 *     host's first)
 * @param offset where to start, in bytes
 * @param waitMillis when there is nothing past {@code offset} yet, how long to wait for more
 * @param project the workspace's project (its folder on the worker); {@value
 *     Amblefile#DEFAULT_PROJECT} from a CLI that did not say
 */
public record LogRequest(
    String workspace,
    String host,
    String log,
    String after,
    long offset,
    long waitMillis,
    String project) {
  public LogRequest {
    project = project == null ? Amblefile.DEFAULT_PROJECT : project;
  }

  /** A piece of a log of project default's workspace. */
  public LogRequest(
      String workspace, String host, String log, String after, long offset, long waitMillis) {
    this(workspace, host, log, after, offset, waitMillis, Amblefile.DEFAULT_PROJECT);
  }

  /** At most this much of a log in one piece: well under Temporal's payload limits. */
  public static final int MAX_PIECE = 256 * 1024;
}
