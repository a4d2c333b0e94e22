package dev.amble.rollout;

/** What a gate's run found: it passed, or why not, in one line. */
public record GateCheck(boolean passed, String message) {}
