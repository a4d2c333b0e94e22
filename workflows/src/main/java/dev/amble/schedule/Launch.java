package dev.amble.schedule;

/**
 * What one start of a schedule did: started the rollout, or skipped because the workspace already
 * had one running (the workspace's mutex held).
 *
 * @param started the rollout was started; else it was skipped
 * @param workflowId the rollout started, or the one running that held the workspace
 * @param runId its run
 */
public record Launch(boolean started, String workflowId, String runId) {
  public static Launch started(String workflowId, String runId) {
    return new Launch(true, workflowId, runId);
  }

  public static Launch skipped(String workflowId, String runId) {
    return new Launch(false, workflowId, runId);
  }

  /** {@code started run RUN} or {@code skipped: already running ID (run RUN)}. */
  public String text() {
    return started
        ? "started run " + runId
        : "skipped: already running " + workflowId + " (run " + runId + ")";
  }
}
