package dev.amble.host;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.amblefile.Definition;
import java.util.Optional;

/**
 * Run one job on one host.
 *
 * @param step the job and the options of this use
 * @param dryRun run with Ansible's --check: report what would change, change nothing
 * @param claim take the host (lock, started) before the job's tasks; empty when already taken
 * @param finish the walk's last run: once the job's tasks went well, mark this claim's workflow
 *     succeeded, release the lock and refresh the cached facts in the same run (what {@link
 *     HostActivities#finishHost} does on its own); empty otherwise, and in requests recorded before
 *     runs could finish
 */
public record JobRequest(
    HostTarget target,
    Definition.Step step,
    @JsonAlias("check") boolean dryRun,
    Optional<Claim> claim,
    Optional<Claim> finish) {
  public JobRequest {
    claim = claim == null ? Optional.empty() : claim;
    finish = finish == null ? Optional.empty() : finish;
  }

  /** A job that does not finish the walk. */
  public JobRequest(
      HostTarget target, Definition.Step step, boolean dryRun, Optional<Claim> claim) {
    this(target, step, dryRun, claim, Optional.empty());
  }
}
