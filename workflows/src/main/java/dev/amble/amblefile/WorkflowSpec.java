package dev.amble.amblefile;

import java.util.List;

/**
 * Ordered jobs for one host, plus exit jobs that run on a host once any of its jobs began (also
 * after a failure).
 *
 * @param alwaysRetryFailedHosts a host that started this workflow and never finished it is walked
 *     again whatever its preconditions say now
 */
public record WorkflowSpec(
    String name, List<JobUse> jobs, List<JobUse> exitJobs, boolean alwaysRetryFailedHosts) {}
