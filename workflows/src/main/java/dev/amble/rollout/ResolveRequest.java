package dev.amble.rollout;

import dev.amble.amblefile.WorkspaceSpec;
import java.util.Optional;

/** Resolve a workspace's hosts: its host pattern, narrowed by the operator's limit. */
public record ResolveRequest(WorkspaceSpec workspace, String folder, Optional<String> limit) {}
