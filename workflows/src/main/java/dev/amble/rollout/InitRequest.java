package dev.amble.rollout;

import dev.amble.amblefile.WorkspaceSpec;
import java.util.Optional;

/**
 * Gather facts for every host of a workspace into its fact cache.
 *
 * @param folder the Amblefile's folder
 * @param forks how many hosts Ansible works on at once
 */
public record InitRequest(
    WorkspaceSpec workspace, String folder, Optional<String> limit, int forks) {}
