package dev.amble.host;

import java.util.Optional;

/**
 * One host of one workspace, as activities need to reach it.
 *
 * @param folder the Amblefile's folder: Ansible runs there, and the workspace's state lives in its
 *     {@code .amble/} (unless the worker keeps state elsewhere)
 * @param inventory the workspace's inventory source; empty for Ansible's configured default
 */
public record HostTarget(
    String workspace, String folder, Optional<String> inventory, String host) {}
