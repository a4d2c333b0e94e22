package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.amble.amblefile.Amount;
import dev.amble.plan.Waves;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The wave walk: a cursor into the plan's walk order (kept as pages in Temporal), the current
 * wave's end, and the hosts to walk again first (released after a failure, or held back by a
 * pre-check). Nothing here grows with the fleet: the retried hosts are at most the hosts that were
 * in flight when a catch landed.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
final class WaveCursor {
  /** The next host of the walk order, 0-based. */
  int cursor;

  /** The current wave, from 1 (0 before the first). */
  int wave;

  /** Where the current wave begins in the walk order. */
  int waveStart;

  /** Where the current wave ends in the walk order (exclusive). */
  int waveEnd;

  /** Hosts of the current wave that count against its failure budget. */
  int waveFailures;

  /** Hosts to walk before the next one of the order, in order. */
  Deque<String> retry = new ArrayDeque<>();

  /** With tiers: the current tier, 0-based. */
  int tier;

  /** With tiers: the current wave within the current tier, from 1 (0 before its first). */
  int tierWave;

  WaveCursor() {}

  /**
   * Starts the next wave: of the whole order without tiers; with them, within the tier (the next
   * one once the current tier's hosts have all started), the wave sizes starting again in each.
   */
  void startWave(List<Amount> sizes, int walkTotal, int walk, List<PlanSummary.Tier> tiers) {
    if (tiers.isEmpty()) {
      startWave(Waves.size(sizes, walkTotal, wave + 1), walk);
      return;
    }
    while (tier < tiers.size() - 1 && cursor >= tierEnd(tiers, tier)) {
      tier++;
      tierWave = 0;
    }
    tierWave++;
    startWave(Waves.size(sizes, tiers.get(tier).hosts(), tierWave), tierEnd(tiers, tier));
  }

  /** Where tier {@code index} ends in the walk order (exclusive). */
  static int tierEnd(List<PlanSummary.Tier> tiers, int index) {
    return tiers.subList(0, index + 1).stream().mapToInt(PlanSummary.Tier::hosts).sum();
  }

  /** Where the runs of tier {@code index} end in the list of runs (exclusive). */
  static int tierRunsEnd(List<PlanSummary.Tier> tiers, int index) {
    return tiers.subList(0, index + 1).stream().mapToInt(PlanSummary.Tier::runs).sum();
  }

  /** Starts the next wave of {@code size} hosts (fewer when the order ends first). */
  void startWave(int size, int walk) {
    wave++;
    waveStart = cursor;
    waveEnd = Math.min(walk, cursor + size);
    waveFailures = 0;
  }

  int waveSize() {
    return waveEnd - waveStart;
  }

  /** Whether the current wave has a host not started yet. */
  boolean waveHasNext() {
    return !retry.isEmpty() || cursor < waveEnd;
  }

  /** Whether every host of the order was started, and none waits to be walked again. */
  boolean orderDone(int walk) {
    return retry.isEmpty() && cursor >= walk;
  }

  /** Hosts not started yet: the rest of the order and those to walk again. */
  int left(int walk) {
    return Math.max(0, walk - cursor) + retry.size();
  }

  /** Walks these hosts again first, in this order. */
  void retryFirst(List<String> hosts) {
    for (int i = hosts.size() - 1; i >= 0; i--) {
      retry.addFirst(hosts.get(i));
    }
  }
}
