package dev.amble.host;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.health.HealthCheckResult;
import java.util.List;

/**
 * The end of one host's walk.
 *
 * @param reason why it was skipped or failed, in one line; empty when it succeeded
 * @param log the log of the run that decided it (on the worker that ran it); may be empty
 * @param health checks the host's pre- and post-checks that failed (the rollout acts on them)
 * @param failure where and why it failed, as parts ({@link HostFailure#NONE} unless failed or
 *     unreachable, and in outcomes recorded before it existed)
 */
public record HostOutcome(
    String host,
    Outcome outcome,
    String reason,
    String log,
    @JsonAlias("gates") List<HealthCheckResult> healthChecks,
    HostFailure failure) {
  /** An outcome recorded before health checks (or failures' parts) existed has none. */
  public HostOutcome {
    healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
    failure = failure == null ? HostFailure.NONE : failure;
  }

  public HostOutcome(
      String host, Outcome outcome, String reason, String log, List<HealthCheckResult> checks) {
    this(host, outcome, reason, log, checks, HostFailure.NONE);
  }

  public HostOutcome(String host, Outcome outcome, String reason, String log) {
    this(host, outcome, reason, log, List.of());
  }
}
