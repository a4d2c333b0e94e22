package dev.amble.rollout;

import dev.amble.host.Outcome;

/** What became of one host in a rollout, in one line. */
public record HostResult(Outcome outcome, String reason) {}
