/**
 * What the commands share: the invocation (environment, folder, Amblefile), the session with
 * Temporal and its options, finding a workspace's rollout, exit codes, and the common options
 * (workspace, limit, output, passwords).
 */
package dev.amble.cli.common;
