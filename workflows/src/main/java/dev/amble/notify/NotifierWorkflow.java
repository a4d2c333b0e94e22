package dev.amble.notify;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;

/**
 * A workspace's notifier, ID {@code amble/@notify/PROJECT/WORKSPACE}: rollouts hand it their events
 * (signal-with-start, so it starts with the first), it delivers each to its targets with retries of
 * its own, so that no delivery fails or holds up a rollout, and it remembers the latest deliveries
 * that gave up, for {@code amble status}. It continues as new itself, and ends after a week idle.
 */
@WorkflowInterface
public interface NotifierWorkflow {
  /** Workflow IDs: {@code amble/@notify/PROJECT/WORKSPACE}. */
  String ID_PREFIX = "amble/@notify/";

  /** How long a delivery is retried before it gives up, unless the worker says otherwise. */
  Duration GIVE_UP_AFTER = Duration.ofHours(1);

  /** The latest given-up deliveries kept. */
  int KEEP_GIVEN_UP = 20;

  /** The latest event IDs kept to drop a notice sent twice. */
  int KEEP_SEEN = 200;

  /**
   * The task queue of the deliveries of the notifiers on {@code taskQueue}: a worker of its own
   * polls it, so a slow receiver holds none of the slots Ansible jobs need.
   */
  static String deliveryQueue(String taskQueue) {
    return "amble-notify/" + taskQueue;
  }

  static String workflowId(String project, String workspace) {
    return ID_PREFIX + project + "/" + workspace;
  }

  @WorkflowMethod
  void run(NotifierInput input);

  @SignalMethod(name = "notice")
  void notice(Notice notice);

  @QueryMethod
  List<GivenUp> givenUp();
}
