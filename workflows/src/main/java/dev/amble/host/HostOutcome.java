package dev.amble.host;

import dev.amble.rollout.GateResult;
import java.util.List;

/**
 * The end of one host's walk.
 *
 * @param reason why it was skipped or failed, in one line; empty when it succeeded
 * @param log the log of the run that decided it (on the worker that ran it); may be empty
 * @param gates the host's pre- and post-checks that failed (the rollout acts on them)
 */
public record HostOutcome(String host, Outcome outcome, String reason, String log, List<GateResult> gates) {
  /** An outcome recorded before gates existed has none. */
  public HostOutcome {
    gates = gates == null ? List.of() : List.copyOf(gates);
  }

  public HostOutcome(String host, Outcome outcome, String reason, String log) {
    this(host, outcome, reason, log, List.of());
  }
}
