package dev.amble.host;

/**
 * One host walk for the rollout's worker to start ({@link WalkStartActivities}).
 *
 * @param workflowId the walk's workflow ID ({@code ROLLOUT-ID/HOST})
 * @param taskQueue the rollout's task queue, where the walk runs
 * @param requestId the start's request ID, chosen by the rollout's workflow code: a start asked
 *     again (the worker died before its answer was recorded) is the same start, which Temporal
 *     answers with the walk it started, even when that walk has ended since
 * @param summary the walk's summary in the Web UI; empty for none (the walk's ID names its host)
 * @param searchAttributes set amble's search attributes of the host (the namespace has them)
 * @param workspace the workspace, for the search attributes
 * @param input the walk's input
 */
public record WalkStart(
    String workflowId,
    String taskQueue,
    String requestId,
    String summary,
    boolean searchAttributes,
    String workspace,
    HostInput input) {}
