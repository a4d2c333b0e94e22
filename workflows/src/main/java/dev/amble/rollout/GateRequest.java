package dev.amble.rollout;

import dev.amble.amblefile.Gate;
import java.util.Optional;

/**
 * Run a health gate for a workspace.
 *
 * @param host the host being walked, for host checks ({@code amble_host}, {@code {host}})
 * @param wave the current wave, 0 before the first ({@code amble_wave}, {@code {wave}})
 * @param dryRun the rollout is a dry run ({@code amble check}): Ansible tasks run with --check
 */
public record GateRequest(
    Gate gate,
    String workspace,
    String folder,
    Optional<String> inventory,
    Optional<String> host,
    int wave,
    boolean dryRun) {}
