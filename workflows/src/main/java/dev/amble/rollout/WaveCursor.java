package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
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

  WaveCursor() {}

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
