package dev.amble.ansible;

import io.temporal.activity.Activity;

/**
 * Progress reports as Temporal heartbeats, when running as an activity (and nothing otherwise, as
 * when the CLI plans offline). A heartbeat of a cancelled activity throws, which ends the Ansible
 * run and its process tree.
 */
public final class ActivityHeartbeat {
  private ActivityHeartbeat() {}

  public static ProcessRunner.Progress current() {
    try {
      var context = Activity.getExecutionContext();
      return context::heartbeat;
    } catch (IllegalStateException notAnActivity) {
      return ProcessRunner.Progress.NONE;
    }
  }
}
