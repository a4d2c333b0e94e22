package dev.amble.schedule;

import dev.amble.rollout.RolloutRequest;

/**
 * What a schedule starts at each of its times, fixed when it is created or updated: the rollout's
 * request (its resolved definition, whose content digest names the content kept in Temporal), and
 * where it runs. Bounded: the definition is, and no host is named. {@code amble listen} starts the
 * same launcher once per accepted run message (under {@code amble/@event/...}).
 *
 * @param schedule the schedule's name, e.g. {@code weekly-kernel}; for a launch by {@code amble
 *     listen}, {@code @event MESSAGE-ID}
 * @param request the rollout to start; its {@code startedBy} names the schedule
 * @param freshSeed a new shuffle seed at each start (no {@code --seed} was given), else {@code
 *     request.seed()} every time
 * @param taskQueue where amble's workers poll: the rollout's task queue
 * @param cron when the schedule starts it, as the operator wrote it (Temporal keeps only its
 *     reading of it), for {@code amble schedule describe}
 */
public record ScheduledRollout(
    String schedule, RolloutRequest request, boolean freshSeed, String taskQueue, String cron) {

  /**
   * The schedule's ID, {@code amble/@schedule/PROJECT/NAME}: a schedule's name is unique within its
   * project (Temporal's schedule IDs are apart from workflow IDs).
   */
  public static String scheduleId(String project, String name) {
    return "amble/@schedule/" + project + "/" + name;
  }

  /**
   * The launcher's workflow ID, {@code amble/@schedule/PROJECT/WORKSPACE/NAME}; Temporal appends
   * the time of each start to it. The launcher starts the rollout under its own ID, {@code
   * amble/PROJECT/WORKSPACE}, which stays the workspace's mutex.
   */
  public static String launcherId(String project, String workspace, String name) {
    return "amble/@schedule/" + project + "/" + workspace + "/" + name;
  }

  /** The launcher's workflow ID for this rollout. */
  public String launcherId() {
    return launcherId(request.definition().project(), request.workspace(), schedule);
  }
}
