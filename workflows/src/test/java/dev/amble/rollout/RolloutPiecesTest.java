package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Amount;
import dev.amble.amblefile.Strategy;
import dev.amble.host.Outcome;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.plan.Waves;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rollout's pieces on their own: the wave walk, the report, the budget, catch and release. */
class RolloutPiecesTest {
  @Test
  void theWaveWalkMovesACursorThroughWavesAndWalksRetriedHostsFirst() {
    WaveCursor w = new WaveCursor();
    w.startWave(1, 10);
    assertEquals(1, w.wave);
    assertEquals(1, w.waveSize());
    assertTrue(w.waveHasNext());
    w.cursor++;
    assertFalse(w.waveHasNext());
    w.retryFirst(List.of("a", "b"));
    assertTrue(w.waveHasNext(), "hosts walked again join the current wave");
    assertEquals(List.of("a", "b"), List.copyOf(w.retry));
    assertEquals(11, w.left(10));
    w.retry.clear();
    w.startWave(25, 10);
    assertEquals(2, w.wave);
    assertEquals(9, w.waveSize(), "the last wave takes what is left");
    w.cursor = 10;
    assertTrue(w.orderDone(10));
  }

  @Test
  void theReportCountsAndPagesItsFailedHosts() {
    Report r = new Report();
    assertEquals(0, r.count(Outcome.SUCCEEDED));
    assertFalse(r.counts.containsKey("held"), "a held host is not an outcome of the rollout");
    r.count(Outcome.SUCCEEDED, 3);
    for (int i = 0; i < Pages.RESULT_PAGE_SIZE + 5; i++) {
      r.list(new PageLine("h" + i, "failed", "why " + i, 1));
    }
    assertTrue(r.pageFull());
    List<PageLine> page = r.takePage();
    assertEquals(Pages.RESULT_PAGE_SIZE, page.size());
    assertEquals("h0", page.get(0).host(), "oldest first");
    assertFalse(r.pageFull());
    assertEquals(1, r.failedPages);
    assertEquals(Pages.RESULT_PAGE_SIZE + 5, r.failedTotal());
    assertEquals(3, r.count(Outcome.SUCCEEDED));
  }

  @Test
  void theBudgetCountsFailuresButNotSkippedUnreachableHosts() {
    Strategy s =
        withBudget(
            Amount.parse("10%", 0).orElseThrow(), Optional.of(Amount.parse("1", 0).orElseThrow()));
    FailureBudget b = new FailureBudget(s, 50);
    assertEquals(5, b.max(), "a percentage rounds down");
    assertEquals(1, b.maxPerWave(10));
    assertTrue(b.counts(Outcome.FAILED));
    assertTrue(b.counts(Outcome.LOCKED));
    assertFalse(b.counts(Outcome.SKIPPED));
    assertFalse(b.counts(Outcome.CANCELLED));
    assertFalse(b.over(5, 1, 10));
    assertTrue(b.over(6, 1, 10));
    assertTrue(b.over(2, 2, 10), "over the wave's budget");
    assertTrue(b.note(2, 3, 2, 10).contains("wave 3"));
    Strategy skip =
        new Strategy(
            List.of(),
            Optional.empty(),
            false,
            java.time.Duration.ZERO,
            Amount.parse("0", 0).orElseThrow(),
            Optional.empty(),
            new Strategy.Unreachable(Strategy.Unreachable.Policy.SKIP, 0, java.time.Duration.ZERO),
            Strategy.DEFAULT.preChecks(),
            Strategy.DEFAULT.postChecks(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    assertFalse(new FailureBudget(skip, 50).counts(Outcome.UNREACHABLE));
    assertEquals("", new FailureBudget(Strategy.DEFAULT, 50).note(1, 1, 1, 10));
  }

  static Strategy withBudget(Amount max, Optional<Amount> perWave) {
    Strategy d = Strategy.DEFAULT;
    return new Strategy(
        d.waves(),
        d.pauseBetweenWaves(),
        d.manualPause(),
        d.bakeTime(),
        max,
        perWave,
        d.unreachable(),
        d.preChecks(),
        d.postChecks(),
        d.continuousChecks(),
        d.failureDomain(),
        d.tiers());
  }

  @Test
  void catchAndReleaseKeepTheFirstCatchAndTheLatestSteering() {
    CatchAndRelease c = new CatchAndRelease();
    assertTrue(c.catchNow("amble", "h1 failed", "t1"));
    assertFalse(c.catchNow("bob", "later", "t2"), "the first catch stands");
    assertEquals("h1 failed", c.caught.reason());
    c.awaiting.add(new PageLine("h1", "failed", "boom", 1));
    assertEquals(List.of("h1"), c.awaitingHosts());
    List<PageLine> waited = c.release();
    assertEquals(1, waited.size());
    assertFalse(c.caught());
    assertTrue(c.awaiting.isEmpty());
    for (int i = 0; i < CatchAndRelease.KEPT + 10; i++) {
      c.record(SteeringKind.CATCH, "by", "r" + i, "t");
    }
    assertEquals(CatchAndRelease.KEPT, c.log.size());
    assertEquals("r10", c.log.getFirst().reason(), "the latest are kept");
  }

  @Test
  void waveCountsAgreeWithWaveSizesWithoutMakingTheList() {
    List<List<Amount>> configs =
        List.of(
            List.of(),
            List.of(Amount.parse("1", 1).orElseThrow()),
            List.of(Amount.parse("1", 1).orElseThrow(), Amount.parse("30%", 1).orElseThrow()),
            List.of(
                Amount.parse("2", 1).orElseThrow(),
                Amount.parse("5", 1).orElseThrow(),
                Amount.parse("10%", 1).orElseThrow()));
    for (List<Amount> c : configs) {
      for (int walked : new int[] {0, 1, 7, 100, 1001}) {
        List<Integer> sizes = Waves.sizes(c, walked);
        assertEquals(sizes.size(), Waves.count(c, walked), c + " " + walked);
        assertEquals(sizes.subList(0, Math.min(3, sizes.size())), Waves.firstSizes(c, walked, 3));
      }
    }
    assertEquals(100_000, Waves.count(List.of(Amount.parse("1", 1).orElseThrow()), 100_000));
  }
}
