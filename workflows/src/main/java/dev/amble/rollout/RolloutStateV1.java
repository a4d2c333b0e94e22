package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.health.HealthCheckResult;
import java.util.List;
import java.util.Map;

/**
 * What a rollout started before pages (amble's first engine, {@link LegacyRollout}) carries from
 * one run to the next when it continues as new: only what it must.
 *
 * @param queue hosts still to walk, in order (failed hosts to retry first)
 * @param results every host that is done, in the order they finished
 * @param awaiting failed hosts waiting for the operator's release (retry, or skip)
 * @param runs how many runs of the workflow came before this one
 * @param walkTotal how many hosts the plan walks (the base of percentages)
 * @param wave the current wave
 * @param waveQueue hosts of the current wave not started yet
 * @param waveHosts every host of the current wave (for its failure budget)
 * @param aborted a health check aborted the rollout
 * @param health checks the latest health check results
 * @param stage {@code walking} (in the middle of a wave) or {@code next} (between waves)
 */
public record RolloutStateV1(
    String rollout,
    int total,
    List<String> queue,
    Map<String, HostResult> results,
    List<String> awaiting,
    Caught caught,
    List<Steering> steering,
    int runs,
    int walkTotal,
    int wave,
    List<String> waveQueue,
    List<String> waveHosts,
    boolean aborted,
    @JsonAlias("gates") List<HealthCheckResult> healthChecks,
    String stage) {

  /** Fields missing from a state carried by an older amble take their defaults. */
  public RolloutStateV1 {
    waveQueue = waveQueue == null ? List.of() : waveQueue;
    waveHosts = waveHosts == null ? List.of() : waveHosts;
    healthChecks = healthChecks == null ? List.of() : healthChecks;
    stage = stage == null ? "walking" : stage;
  }

  /** The hosts still to walk, in order: the rest of the current wave, then the later waves. */
  public List<String> walkOrder() {
    List<String> order = new java.util.ArrayList<>(waveQueue);
    order.addAll(queue);
    return order;
  }

  /**
   * The same rollout as the current engine carries it, its walk order still to be kept as pages
   * ({@link #walkOrder}, walked from 0): counts from the results, failed hosts listed, the current
   * wave ending where its queue ends.
   */
  RolloutState toState(FailureBudget budget) {
    RolloutState s = new RolloutState();
    s.rollout = rollout;
    s.runs = runs;
    s.total = total;
    s.walkTotal = walkTotal > 0 ? walkTotal : queue.size();
    s.walk.wave = wave;
    s.walk.waveStart = 0;
    s.walk.waveEnd = waveQueue.size();
    java.util.Set<String> waiting = new java.util.HashSet<>(awaiting);
    java.util.Set<String> inWave = new java.util.HashSet<>(waveHosts);
    results.forEach(
        (host, r) -> {
          s.report.count(r.outcome(), 1);
          if (budget.counts(r.outcome())) {
            s.failures++;
            if (inWave.contains(host)) {
              s.walk.waveFailures++;
            }
          }
          dev.amble.pages.PageLine line =
              new dev.amble.pages.PageLine(host, r.outcome().word(), r.reason(), 0);
          if (waiting.contains(host)) {
            s.steering.awaiting.add(line);
          } else if (r.outcome().isListed()) {
            s.report.list(line);
          }
        });
    s.steering.caught = caught;
    steering.forEach(s.steering.log::addLast);
    healthChecks.forEach(s::remember);
    s.aborted = aborted;
    int colon = stage.indexOf(':');
    String name = colon < 0 ? stage : stage.substring(0, colon);
    long arg = colon < 0 ? 0 : Long.parseLong(stage.substring(colon + 1));
    switch (name) {
      case "pre" -> {
        s.stage = Stage.PRE_CHECKS;
        s.healthCheck = (int) arg;
      }
      case "walking" -> s.stage = Stage.WALKING;
      case "bake" -> {
        s.stage = Stage.BAKING;
        s.until = arg;
      }
      case "post" -> {
        s.stage = Stage.POST_CHECKS;
        s.healthCheck = (int) arg;
      }
      case "pause" -> {
        s.stage = Stage.PAUSING;
        s.until = arg;
      }
      default -> s.stage = Stage.NEXT_WAVE;
    }
    return s;
  }
}
