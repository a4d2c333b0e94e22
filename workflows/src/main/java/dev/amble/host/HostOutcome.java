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
 */
public record HostOutcome(
    String host,
    Outcome outcome,
    String reason,
    String log,
    @JsonAlias("gates") List<HealthCheckResult> healthChecks) {
  /** An outcome recorded before health checks existed has none. */
  public HostOutcome {
    healthChecks = healthChecks == null ? List.of() : List.copyOf(healthChecks);
  }

  public HostOutcome(String host, Outcome outcome, String reason, String log) {
    this(host, outcome, reason, log, List.of());
  }
}
