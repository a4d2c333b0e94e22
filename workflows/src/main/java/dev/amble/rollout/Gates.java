package dev.amble.rollout;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.Gate;
import dev.amble.host.Cancellation;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Runs health gates from workflow code: one activity each, a failure being an answer. */
public final class Gates {
  private Gates() {}

  public static GateResult run(
      Definition d,
      Gate gate,
      Optional<String> host,
      int wave,
      String scope,
      Duration heartbeat,
      boolean dryRun) {
    GateActivities activities =
        Workflow.newActivityStub(
            GateActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(gate.timeout().plus(Duration.ofMinutes(1)))
                .setHeartbeatTimeout(heartbeat)
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(2))
                        .setMaximumInterval(Duration.ofMinutes(1))
                        .setMaximumAttempts(5)
                        .build())
                .build());
    GateCheck check;
    try {
      check =
          activities.check(
              new GateRequest(
                  gate, d.workspace().name(), d.folder(), d.workspace().inventory(), host, wave, dryRun));
    } catch (ActivityFailure fault) {
      Cancellation.rethrow(fault);
      check = new GateCheck(false, "could not run the check: " + Failures.oneLine(fault));
    }
    return new GateResult(
        gate.name(),
        scope,
        check.passed(),
        gate.onFailure(),
        check.message(),
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString());
  }

  /** "gate lb-pool failed for host web03 (post): ..." for people. */
  public static String describe(GateResult r) {
    return "check " + r.gate() + " failed for " + r.scope() + ": " + r.message();
  }
}
