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
 */
public record JobRequest(
    HostTarget target,
    Definition.Step step,
    @JsonAlias("check") boolean dryRun,
    Optional<Claim> claim) {}
