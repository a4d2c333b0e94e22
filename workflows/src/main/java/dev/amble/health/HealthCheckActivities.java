package dev.amble.health;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Health health checks: an HTTP probe from the worker, or Ansible tasks against a host group. A
 * failing health check is an answer, not an exception.
 */
@ActivityInterface
public interface HealthCheckActivities {
  /** Activity type "Check", as recorded histories name it. */
  @ActivityMethod(name = "Check")
  HealthCheckAnswer run(HealthCheckRequest request);
}
