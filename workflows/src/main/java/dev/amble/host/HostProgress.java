package dev.amble.host;

/**
 * Where a host's walk is, for status and the Web UI.
 *
 * @param step what runs now: "prepare", a job's name, "exit: NAME", "finish", or "done"
 * @param jobsDone how many of the workflow's jobs have finished on the host
 */
public record HostProgress(String host, String step, int jobsDone, int jobs) {}
