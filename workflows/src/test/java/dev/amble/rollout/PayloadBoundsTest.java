package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.HealthCheck;
import dev.amble.health.HealthCheckResult;
import dev.amble.host.Outcome;
import dev.amble.pages.Page;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The worst case at 100,000 hosts, serialised by Temporal's own data converter: 60-character names,
 * 30 % failed with reasons of the longest kept length, 100 hosts in flight, every one of them
 * failed and waiting for a release while as many wait to be walked again, every bounded list full.
 * No payload the rollout writes may exceed 256 KB: the carried state (continue-as-new input), a
 * plan page, a failed page, the status answer, the result and the memo. What grows is the
 * concurrency, not the fleet: at the largest (1,000 in flight) the same stays under 1 MB, half
 * Temporal's limit.
 */
class PayloadBoundsTest {
  static final int HOSTS = 100_000;
  static final int BOUND = 256 * 1024;
  static final int MAX_CONCURRENCY_BOUND = 1024 * 1024;
  static final DataConverter CONVERTER = DefaultDataConverter.newDefaultInstance();

  static String host(int i) {
    return String.format("host%06d-", i) + "h".repeat(49);
  }

  static String reason(int i) {
    return ("failed because " + i + " ").repeat(60);
  }

  /** A tier's or domain's value as long as amble keeps one. */
  static String value(int i) {
    return String.format("value%06d-", i) + "v".repeat(dev.amble.plan.Placement.VALUE_MAX - 12);
  }

  static int size(Object o) {
    return CONVERTER.toPayload(o).orElseThrow().getSerializedSize();
  }

  static void assertBounded(String what, Object o, int bound) {
    int size = size(o);
    System.out.printf("%-48s %,9d bytes%n", what, size);
    assertTrue(size < bound, what + " is " + size + " bytes, over " + bound);
  }

  /** The fullest state a rollout of 100,000 hosts can carry. */
  static RolloutState worstState(int concurrency) {
    RolloutState s = new RolloutState();
    s.rollout = "0b6a1f7e-6d1c-4c33-9b3f-2a0d8e5f9c11";
    s.runs = 400;
    s.stage = Stage.WALKING;
    List<PlanSummary.Reason> reasons = new ArrayList<>();
    for (int i = 0; i < PlanSummary.REASONS_KEPT; i++) {
      reasons.add(new PlanSummary.Reason(Pages.bounded(reason(i)), 1000 + i));
    }
    s.plan =
        Optional.of(
            new PlanSummary(
                Pages.prefix("amble/" + "w".repeat(60), s.rollout),
                "walk.10",
                HOSTS,
                100,
                Pages.WALK_PAGE_SIZE,
                "skipped.10",
                0,
                0,
                HOSTS,
                reasons,
                "domains.10",
                HOSTS,
                100,
                IntStream.rangeClosed(0, dev.amble.amblefile.Tiers.MOST)
                    .mapToObj(i -> new PlanSummary.Tier(value(i), HOSTS / 101, HOSTS / 101))
                    .toList()));
    // A failure domain per host, each value as long as kept: the open runs (one per host in
    // flight and one) and the domains of the hosts to walk again and waiting.
    for (int i = 0; i <= concurrency; i++) {
      s.domains.open.add(new DomainCursor.OpenRun(value(i), i * 1000, i * 1000 + 999));
    }
    for (int i = 0; i < 2 * concurrency; i++) {
      s.domains.domainOf.put(host(i), value(i));
    }
    // As many hosts waiting to be skipped as are kept, each name as long as a skip takes.
    for (int i = 0; i < CatchAndRelease.SKIPS_KEPT; i++) {
      s.steering.skips.add(
          new PageLine(
              host(i) + "s".repeat(HostSteering.HOST_MAX - host(i).length()),
              "skipped",
              "r".repeat(CatchAndRelease.SKIP_REASON_MAX),
              0));
    }
    IntStream.range(0, concurrency).forEach(i -> s.steering.retrying.add(host(i)));
    s.domains.nextRun = 70_000;
    s.domains.nextRunStart = 70_000;
    s.walkTotal = HOSTS;
    s.total = HOSTS;
    s.walk.cursor = 70_000;
    s.walk.wave = 7;
    s.walk.waveStart = 60_000;
    s.walk.waveEnd = 85_000;
    s.walk.waveFailures = 3_000;
    IntStream.range(0, concurrency).forEach(i -> s.walk.retry.add(host(i)));
    s.report.count(Outcome.SUCCEEDED, 40_000);
    s.report.count(Outcome.FAILED, 30_000);
    for (int i = 0; i < Pages.RESULT_PAGE_SIZE - 1; i++) {
      s.report.list(new PageLine(host(i), "failed", reason(i), 7));
    }
    s.report.failedPages = 145;
    s.report.failedOnPages = 29_000;
    s.failures = 30_000;
    s.steering.catchNow("amble", Pages.bounded(reason(1)), "2026-11-28T10:00:00Z");
    for (int i = 0; i < concurrency; i++) {
      s.steering.awaiting.add(new PageLine(host(i), "failed", reason(i), 7).brief());
    }
    for (int i = 0; i < CatchAndRelease.KEPT; i++) {
      s.steering.record(
          SteeringKind.CATCH,
          "operator" + i + "@laptop",
          Pages.bounded(reason(i)),
          "2026-11-28T10:00:00Z");
    }
    for (int i = 0; i < RolloutState.CHECKS_KEPT; i++) {
      s.remember(
          new HealthCheckResult(
              "check" + i,
              "wave 7 (post)",
              false,
              HealthCheck.OnFailure.CONTINUE,
              Pages.bounded(reason(i)),
              "2026-11-28T10:00:00Z"));
    }
    return s;
  }

  static RolloutRequest request(int concurrency) {
    return new RolloutRequest(
        TestDefinitions.upgrade("shuffle", concurrency),
        Optional.of("web*"),
        42,
        concurrency,
        false,
        false,
        "alice@laptop",
        RolloutRequest.DEFAULT_HEARTBEAT_TIMEOUT,
        RolloutRequest.DEFAULT_EVENTS_PER_RUN,
        true);
  }

  @Test
  void noPayloadOfARolloutOfOneHundredThousandHostsExceedsTheBound() {
    payloads(100, BOUND);
  }

  @Test
  void atTheLargestConcurrencyPayloadsStayFarBelowTemporalsLimit() {
    payloads(1000, MAX_CONCURRENCY_BOUND);
  }

  static void payloads(int concurrency, int bound) {
    System.out.println("concurrency " + concurrency + ":");
    RolloutState state = worstState(concurrency);
    RolloutRequest request = request(concurrency);
    assertBounded(
        "carried state (continue-as-new input)",
        new RolloutInput(request, Optional.empty(), Optional.of(state)),
        bound);
    List<PageLine> walk =
        IntStream.range(0, Pages.WALK_PAGE_SIZE).mapToObj(i -> PageLine.walk(host(i))).toList();
    assertBounded("walk page", new Page("walk.10", 99, walk), BOUND);
    List<PageLine> failed =
        IntStream.range(0, Pages.RESULT_PAGE_SIZE)
            .mapToObj(i -> new PageLine(host(i), "unreachable", reason(i), 12))
            .toList();
    assertBounded("failed (or skipped) page", new Page(Pages.FAILED, 144, failed), BOUND);
    List<String> inFlight =
        IntStream.range(0, concurrency).mapToObj(PayloadBoundsTest::host).toList();
    RolloutStatus status =
        RolloutView.status(request, state, Phase.DRAINING, inFlight, state.rollout);
    assertBounded("status answer (query, update answer, result)", status, bound);
    assertBounded("memo summary", RolloutSummary.of(status), bound);
    assertBounded("plan summary (activity result)", state.plan.get(), BOUND);
  }

  @Test
  void theStateDoesNotGrowWithTheFleet() {
    RolloutState small = worstState(100);
    RolloutState large = worstState(100);
    large.walkTotal = 10_000_000;
    large.walk.cursor = 9_000_000;
    large.report.failedPages = 14_500;
    large.report.failedOnPages = 2_900_000;
    Map<String, Integer> counts = new LinkedHashMap<>(large.report.counts);
    counts.replaceAll((k, v) -> v * 100);
    large.report.counts.putAll(counts);
    int a = size(small);
    int b = size(large);
    assertTrue(b - a < 100, "a hundred times the fleet added " + (b - a) + " bytes");
  }
}
