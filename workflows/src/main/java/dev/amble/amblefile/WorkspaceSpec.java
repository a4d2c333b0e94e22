package dev.amble.amblefile;

import java.util.Optional;

/**
 * A named target: which hosts (an Ansible host pattern), which workflow walks them, and how.
 *
 * @param inventory an inventory source for Ansible's {@code -i}: an absolute path, or a
 *     comma-separated host list; empty means Ansible's configured default
 */
public record WorkspaceSpec(
    String name,
    String hostPattern,
    String workflow,
    SortOrder sortOrder,
    int concurrency,
    boolean requireLimit,
    Optional<String> inventory) {}
