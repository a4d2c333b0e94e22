package dev.amble.rollout;

import java.util.List;

/**
 * A workspace's hosts, in inventory order. Their vars stay on the worker (they may hold secrets):
 * see the activities' HostVars.
 */
public record ResolvedHosts(List<String> hosts) {}
