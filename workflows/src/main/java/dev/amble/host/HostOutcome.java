package dev.amble.host;

/**
 * The end of one host's walk.
 *
 * @param reason why it was skipped or failed, in one line; empty when it succeeded
 * @param log the log of the run that decided it (on the worker that ran it); may be empty
 */
public record HostOutcome(String host, Outcome outcome, String reason, String log) {}
