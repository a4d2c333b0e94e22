package dev.amble.host;

import java.util.List;

/**
 * Gather fresh facts (and with them the host's remote state and lock) and evaluate each step's
 * preconditions on them. Changes nothing on the host.
 *
 * @param steps the workflow's jobs then its exit jobs, in order
 */
public record PrepareRequest(HostTarget target, String workflow, List<JobPreconditions> steps) {}
