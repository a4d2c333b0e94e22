package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.amblefile.Definition;
import dev.amble.visibility.AmbleSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.Optional;

/**
 * A rollout as the operator asked for it: the resolved definition (so the file can change under a
 * running rollout without effect), and the run's settings.
 *
 * @param seed the shuffle seed, recorded so that the order is known and a replay identical
 * @param concurrency hosts walked at once (in flight)
 * @param dryRun Ansible's --check on every job: nothing is claimed, changed or finished
 * @param startedBy who started it, e.g. {@code alice@laptop}
 * @param heartbeatTimeout how long a worker may go silent before its work moves to another
 * @param eventsPerRun history length at which the rollout continues as new
 * @param searchAttributes the namespace has amble's search attributes (AmbleSearchAttributes): the
 *     rollout and its hosts set them, for the Web UI to filter on
 * @param ignoreWindows an emergency ({@code amble run --ignore-windows}): hosts start outside the
 *     workspace's maintenance windows; the rollout records who asked
 */
public record RolloutRequest(
    Definition definition,
    Optional<String> limit,
    long seed,
    int concurrency,
    @JsonAlias("check") boolean dryRun,
    boolean stompLocks,
    String startedBy,
    Duration heartbeatTimeout,
    int eventsPerRun,
    boolean searchAttributes,
    boolean ignoreWindows) {

  /** A rollout that keeps to the workspace's maintenance windows. */
  public RolloutRequest(
      Definition definition,
      Optional<String> limit,
      long seed,
      int concurrency,
      boolean dryRun,
      boolean stompLocks,
      String startedBy,
      Duration heartbeatTimeout,
      int eventsPerRun,
      boolean searchAttributes) {
    this(
        definition,
        limit,
        seed,
        concurrency,
        dryRun,
        stompLocks,
        startedBy,
        heartbeatTimeout,
        eventsPerRun,
        searchAttributes,
        false);
  }

  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The rollout continues as new once its history reaches this many events (or when the server
   * suggests it first): far below the server's hard limit of 51,200.
   */
  public static final int DEFAULT_EVENTS_PER_RUN = 4000;

  public String workspace() {
    return definition.workspace().name();
  }

  /**
   * The rollout's workflow ID, {@code amble/PROJECT/WORKSPACE}, which is also the mutex of the
   * project's workspace: the same project from any checkout shares it, other projects do not.
   */
  public static String workflowId(String project, String workspace) {
    return "amble/" + project + "/" + workspace;
  }

  /**
   * The ID rollouts had before projects, {@code amble/WORKSPACE}: one started under it may still
   * run, and blocks a new run of the workspace until it ends.
   */
  public static String oldWorkflowId(String workspace) {
    return "amble/" + workspace;
  }

  /**
   * How this rollout starts, from {@code amble run} or a schedule's launcher alike: under the
   * workspace's ID (its mutex: the start fails while a rollout of the workspace runs), with its
   * summary and details for the Web UI, and amble's search attributes where the namespace has them.
   */
  public WorkflowOptions startOptions(String taskQueue) {
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId(definition.project(), workspace()))
            .setTaskQueue(taskQueue)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setStaticSummary(Descriptions.rolloutSummary(this))
            .setStaticDetails(Descriptions.rolloutDetails(this));
    if (searchAttributes) {
      options.setTypedSearchAttributes(AmbleSearchAttributes.rollout(workspace(), "planning"));
    }
    return options.build();
  }

  /** A host walk's ID: its rollout's workflow ID, {@code /}, the host. */
  public static String hostWorkflowId(String rolloutWorkflowId, String host) {
    return rolloutWorkflowId + "/" + host;
  }
}
