package dev.amble.host;

import java.util.Optional;

/**
 * Mark the host's workflow succeeded, release its lock, refresh its cached facts.
 *
 * @param claim take the host first (when no job ran before finish); empty when already taken
 */
public record FinishRequest(
    HostTarget target, String workflow, String rollout, Optional<Claim> claim) {}
