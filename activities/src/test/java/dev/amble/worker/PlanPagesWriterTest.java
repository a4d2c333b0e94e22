package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.SortOrder;
import dev.amble.amblefile.Strategy;
import dev.amble.ansible.ProcessRunner;
import dev.amble.pages.PageLine;
import dev.amble.pages.PageWorkflowImpl;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.plan.Decision;
import dev.amble.plan.HostOrder;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.rollout.PlanSummary;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plan kept as pages is the plan amble plan prints: the walked hosts in the plan's own order (a
 * shuffle of every host, skipped ones included), the skipped ones with their reasons; a planning
 * attempt that is retried removes the pages of the one before.
 */
class PlanPagesWriterTest {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PageWorkflowImpl.class)
          .build();

  static Plan plan(int hosts, long seed) {
    List<String> names =
        IntStream.range(0, hosts).mapToObj(i -> String.format("web%04d", i)).toList();
    List<HostPlan> planned = new ArrayList<>();
    for (String h : HostOrder.sort(names, SortOrder.SHUFFLE, seed)) {
      int i = Integer.parseInt(h.substring(3));
      planned.add(
          i % 7 == 0
              ? new HostPlan(
                  h, Decision.SKIP, "job upgrade: already on " + (i % 2 == 0 ? "12" : "13"), "")
              : new HostPlan(h, Decision.WALK, "", ""));
    }
    return new Plan(
        "prod",
        "upgrade",
        "web",
        Optional.empty(),
        SortOrder.SHUFFLE,
        seed,
        planned,
        Strategy.DEFAULT);
  }

  @Test
  void thePagesHoldThePlansOrderAndItsSkippedHosts(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    TemporalPages pages = new TemporalPages(client, worker.getTaskQueue());
    Plan plan = plan(2500, 42);
    String prefix = Pages.prefix("amble/prod", "run1");
    PlanSummary summary =
        new PlanPagesWriter(pages, ProcessRunner.Progress.NONE).write(plan, prefix, 1);

    List<String> expected =
        plan.hosts().stream().filter(h -> h.decision().walks()).map(HostPlan::host).toList();
    assertEquals(expected.size(), summary.walk());
    assertEquals(3, summary.walkPages());
    List<String> walked = new ArrayList<>();
    for (int i = 0; i < summary.walkPages(); i++) {
      pages
          .read(Pages.id(prefix, summary.walkList(), i))
          .orElseThrow()
          .lines()
          .forEach(l -> walked.add(l.host()));
    }
    assertEquals(expected, walked, "the rollout walks exactly the plan's order");

    List<PageLine> skipped = new ArrayList<>();
    for (int i = 0; i < summary.skippedPages(); i++) {
      skipped.addAll(pages.read(Pages.id(prefix, summary.skippedList(), i)).orElseThrow().lines());
    }
    assertEquals(2500 - expected.size(), skipped.size());
    assertEquals(skipped.size(), summary.skippedHosts());
    assertTrue(skipped.stream().allMatch(l -> l.reason().startsWith("job upgrade: already on")));
    assertEquals(2, summary.skipped().size());
    assertEquals(
        skipped.size(), summary.skipped().stream().mapToInt(PlanSummary.Reason::hosts).sum());
    assertEquals(2500, summary.total());
  }

  @Test
  void aRetriedPlanningRemovesTheEarlierAttemptsPages(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    TemporalPages pages = new TemporalPages(client, worker.getTaskQueue());
    String prefix = Pages.prefix("amble/prod", "run2");
    PlanPagesWriter writer = new PlanPagesWriter(pages, ProcessRunner.Progress.NONE);
    writer.write(plan(1200, 1), prefix, 1);
    PlanSummary second = writer.write(plan(1200, 2), prefix, 2);
    assertEquals("walk.2", second.walkList());
    for (String id :
        List.of(
            Pages.id(prefix, "walk.1", 0),
            Pages.id(prefix, "walk.1", 1),
            Pages.id(prefix, "skipped.1", 0))) {
      assertEquals(
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
          client.fetchHistory(id).getLastEvent().getEventType(),
          id);
    }
  }

  @Test
  void theCommonestReasonsAreKeptByNameTheRestCountedTogether() {
    java.util.Map<String, Integer> reasons = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 30; i++) {
      reasons.put("reason " + i, i + 1);
    }
    List<PlanSummary.Reason> kept = PlanPagesWriter.commonest(reasons);
    assertEquals(PlanSummary.REASONS_KEPT, kept.size());
    assertEquals(new PlanSummary.Reason("reason 29", 30), kept.get(0));
    assertEquals("11 other reasons", kept.get(kept.size() - 1).reason());
    assertEquals(IntStream.rangeClosed(1, 11).sum(), kept.get(kept.size() - 1).hosts());
  }
}
