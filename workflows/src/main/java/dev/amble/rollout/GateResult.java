package dev.amble.rollout;

import dev.amble.amblefile.Gate;

/**
 * One run of a health gate.
 *
 * @param scope what it guarded: {@code host web03 (pre)}, {@code wave 2 (post)}, {@code continuous}
 * @param message why it failed, in one line (empty when it passed)
 * @param at when it ran (workflow time, ISO-8601)
 */
public record GateResult(
    String gate, String scope, boolean passed, Gate.OnFailure onFailure, String message, String at) {}
