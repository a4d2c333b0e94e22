package dev.amble.host;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.amblefile.Definition;
import java.time.Duration;

/**
 * What a host workflow walks, and how.
 *
 * @param rollout the rollout's ID (written into the host's lock and state)
 * @param dryRun run every job with --check: claim nothing, change nothing, finish nothing
 * @param heartbeatTimeout how long a worker may go silent before its activity is retried on another
 *     worker
 * @param searchAttributes set amble's search attributes (the namespace has them)
 * @param wave the wave the host is walked in (from 1), for its health checks' {wave} and amble_wave
 * @param reportEnd report the walk's end to the rollout ({@link WalkEnd}): the walk may outlive the
 *     run that started it; false in walks started before it could
 * @param prepareLocally prepare the host in a local activity, finish it in the last run and compare
 *     the lock's project, as its rollout chose when it started the walk; false in walks started
 *     before the rollout chose: they ask their own version markers ({@link
 *     HostWorkflowImpl#PREPARE_LOCALLY}). Chosen by the rollout, it costs no marker per walk.
 * @param reportTo the rollout's workflow ID, where the walk's end is reported, for a walk the
 *     rollout's worker started ({@link WalkStartActivities}); empty in a walk started as a child
 *     workflow, which reports to its parent's
 * @param skipPreparation the walk does not prepare the host ({@link Preparation#needless}): fresh
 *     facts could decide nothing, and the first run's claim finds what preparing would have found
 *     (the host unreachable, or locked by another workspace); false in walks started before
 * @param stepsByReference each job's run is asked by its place in this input ({@link StepRequest}),
 *     not with the job, its options and the host in full ({@link JobRequest}): the definition is in
 *     the walk's history once, not once more per step; false in walks started before
 */
public record HostInput(
    Definition definition,
    String host,
    String rollout,
    @JsonAlias("check") boolean dryRun,
    boolean stompLocks,
    Duration heartbeatTimeout,
    boolean searchAttributes,
    int wave,
    boolean reportEnd,
    boolean prepareLocally,
    String reportTo,
    boolean skipPreparation,
    boolean stepsByReference) {

  public HostInput {
    reportTo = reportTo == null ? "" : reportTo;
  }

  /** A walk whose own version markers choose how it prepares (as walks started before). */
  public HostInput(
      Definition definition,
      String host,
      String rollout,
      boolean dryRun,
      boolean stompLocks,
      Duration heartbeatTimeout,
      boolean searchAttributes,
      int wave,
      boolean reportEnd) {
    this(
        definition,
        host,
        rollout,
        dryRun,
        stompLocks,
        heartbeatTimeout,
        searchAttributes,
        wave,
        reportEnd,
        false,
        "",
        false,
        false);
  }
}
