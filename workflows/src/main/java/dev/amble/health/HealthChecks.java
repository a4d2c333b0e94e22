package dev.amble.health;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.HealthCheck;
import dev.amble.failure.Cancellation;
import dev.amble.failure.Failures;
import dev.amble.failure.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Runs health checks from workflow code: one activity each, a failure being an answer. */
public final class HealthChecks {
  private HealthChecks() {}

  public static HealthCheckResult run(
      Definition d,
      HealthCheck healthCheck,
      Optional<String> host,
      int wave,
      String scope,
      Duration heartbeat,
      boolean dryRun) {
    HealthCheckActivities activities =
        Workflow.newActivityStub(
            HealthCheckActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(healthCheck.timeout().plus(Duration.ofMinutes(1)))
                .setHeartbeatTimeout(heartbeat)
                .setRetryOptions(Retries.backoff(Duration.ofSeconds(2), Duration.ofMinutes(1), 5))
                .build());
    HealthCheckAnswer check;
    try {
      check =
          activities.run(
              new HealthCheckRequest(
                  healthCheck,
                  d.workspace().name(),
                  d.folder(),
                  d.workspace().inventory(),
                  host,
                  wave,
                  dryRun,
                  d.content(),
                  d.project()));
    } catch (ActivityFailure fault) {
      Cancellation.rethrow(fault);
      check = new HealthCheckAnswer(false, "could not run the check: " + Failures.oneLine(fault));
    }
    return new HealthCheckResult(
        healthCheck.name(),
        scope,
        check.passed(),
        healthCheck.onFailure(),
        check.message(),
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString());
  }

  /** "check lb-pool failed for host web03 (post): ..." for people. */
  public static String describe(HealthCheckResult r) {
    return "check " + r.healthCheck() + " failed for " + r.scope() + ": " + r.message();
  }
}
