package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.amble.pages.PageLine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Catch and release: whether the rollout is caught, the failed hosts that wait for the release
 * (every one of them: a release walks them all again), and who steered, the latest {@link #KEPT}
 * acts.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
final class CatchAndRelease {
  static final int KEPT = 50;

  Caught caught = Caught.NO;

  /** Failed hosts over the budget, waiting for the release; at most the hosts in flight. */
  List<PageLine> awaiting = new ArrayList<>();

  Deque<Steering> log = new ArrayDeque<>();

  /**
   * Hosts {@code amble retry} walks again while the rollout stays caught: each starts once, then
   * leaves the list; a release empties it.
   */
  List<String> retrying = new ArrayList<>();

  /**
   * Hosts {@code amble skip} leaves out, each with its line (by whom and why, bounded), until the
   * walk order reaches it: at most {@link #SKIPS_KEPT}.
   */
  List<PageLine> skips = new ArrayList<>();

  /** The most hosts waiting to be skipped at once. */
  static final int SKIPS_KEPT = 100;

  /** The longest reason a skip keeps. */
  static final int SKIP_REASON_MAX = 100;

  /** Catches so far: the number of the latest. */
  int catches;

  CatchAndRelease() {}

  boolean caught() {
    return caught.caught();
  }

  /** Catches, unless caught already; returns whether this catch took it. */
  boolean catchNow(String by, String reason, String at) {
    if (caught.caught()) {
      return false;
    }
    caught = new Caught(true, reason, by, at, ++catches);
    return true;
  }

  /** Releases; returns the hosts that waited, which are walked again or left failed. */
  List<PageLine> release() {
    List<PageLine> waited = List.copyOf(awaiting);
    awaiting.clear();
    retrying.clear();
    caught = Caught.NO;
    return waited;
  }

  void record(SteeringKind kind, String by, String reason, String at) {
    log.addLast(new Steering(kind, by, reason, at));
    while (log.size() > KEPT) {
      log.removeFirst();
    }
  }

  List<String> awaitingHosts() {
    return awaiting.stream().map(PageLine::host).toList();
  }
}
