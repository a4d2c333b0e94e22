package dev.amble.rollout;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Health gates: an HTTP probe from the worker, or Ansible tasks against a host group. A failing
 * gate is an answer, not an exception.
 */
@ActivityInterface
public interface GateActivities {
  @ActivityMethod
  GateCheck check(GateRequest request);
}
