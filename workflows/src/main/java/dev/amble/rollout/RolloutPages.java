package dev.amble.rollout;

import dev.amble.pages.Page;
import dev.amble.pages.PageLine;
import dev.amble.pages.PageWorkflow;
import dev.amble.pages.Pages;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pages a rollout keeps in Temporal beside its state: its walk order (written by planning, or
 * here for a rollout the first engine began), the failed hosts a page at a time, and their closing
 * when the rollout ends.
 */
final class RolloutPages {
  private final RolloutState state;

  RolloutPages(RolloutState state) {
    this.state = state;
  }

  /**
   * A rollout the first engine continued as new: its walk order, which it carried, kept as pages;
   * it goes on at the stage it was in.
   */
  void adoptLegacyWalk(List<String> order) {
    String prefix = Pages.prefix(Workflow.getInfo().getWorkflowId(), RolloutView.rolloutId(state));
    int pages = 0;
    for (int from = 0; from < order.size(); from += Pages.WALK_PAGE_SIZE) {
      List<PageLine> lines =
          order.subList(from, Math.min(order.size(), from + Pages.WALK_PAGE_SIZE)).stream()
              .map(PageLine::walk)
              .toList();
      keep(Pages.id(prefix, "walk.v1", pages), new Page("walk.v1", pages, lines));
      pages++;
    }
    state.plan =
        Optional.of(
            new PlanSummary(
                prefix,
                "walk.v1",
                order.size(),
                pages,
                Pages.WALK_PAGE_SIZE,
                "",
                0,
                0,
                state.total,
                List.of()));
  }

  /**
   * Keeps a page of failed hosts in Temporal whenever one is full; fewer stay in the state, which
   * status and the result show.
   */
  void keepFullFailedPages() {
    while (state.report.pageFull()) {
      int index = state.report.failedPages;
      List<PageLine> lines = state.report.takePage();
      String prefix = state.plan.map(PlanSummary::prefix).orElseThrow();
      keep(Pages.id(prefix, Pages.FAILED, index), new Page(Pages.FAILED, index, lines));
    }
  }

  /** Starts a page's workflow, which outlives this run (it is abandoned, not cancelled). */
  private static void keep(String id, Page content) {
    PageWorkflow holder =
        Workflow.newChildWorkflowStub(
            PageWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    Async.procedure(holder::hold, content);
    Workflow.getWorkflowExecution(holder).get();
  }

  /** Closes every page of the rollout: they are kept for the namespace's retention, then go. */
  void closeAll() {
    if (state.plan.isEmpty()) {
      return;
    }
    PlanSummary plan = state.plan.get();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < plan.walkPages(); i++) {
      ids.add(Pages.id(plan.prefix(), plan.walkList(), i));
    }
    for (int i = 0; i < plan.skippedPages(); i++) {
      ids.add(Pages.id(plan.prefix(), plan.skippedList(), i));
    }
    for (int i = 0; i < plan.runPages(); i++) {
      ids.add(Pages.id(plan.prefix(), plan.domainsList(), i));
    }
    for (int i = 0; i < state.report.failedPages; i++) {
      ids.add(Pages.id(plan.prefix(), Pages.FAILED, i));
    }
    List<Promise<Void>> signals = new ArrayList<>();
    for (String id : ids) {
      PageWorkflow holder = Workflow.newExternalWorkflowStub(PageWorkflow.class, id);
      signals.add(Async.procedure(holder::close));
    }
    for (Promise<Void> p : signals) {
      try {
        p.get();
      } catch (RuntimeException gone) {
        // a page someone terminated: nothing to close
      }
    }
  }
}
