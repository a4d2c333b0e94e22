package dev.amble.rollout;

/**
 * Resume a caught rollout.
 *
 * @param skipFailed leave the failed hosts failed and move on; otherwise they are walked again
 *     first
 */
public record ReleaseRequest(boolean skipFailed, String by) {}
