package dev.amble.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pages kept in Temporal: written once, read back by anyone, closed, removed. */
class TemporalPagesTest {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PageWorkflowImpl.class)
          .build();

  @Test
  void aPageIsReadBackAsWrittenAndAWriteAgainKeepsTheFirst(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    TemporalPages pages = new TemporalPages(client, worker.getTaskQueue());
    String id = Pages.id(Pages.prefix("amble/prod", "run1"), "walk.1", 0);
    Page page = new Page("walk.1", 0, List.of(PageLine.walk("web01"), PageLine.walk("web02")));
    pages.write(id, page);
    pages.write(id, new Page("walk.1", 0, List.of(PageLine.walk("other"))));
    assertEquals(Optional.of(page), pages.read(id));
    assertEquals(Optional.empty(), pages.read(id + "-none"));
    assertEquals(
        Optional.of(page),
        Optional.of(new PageActivitiesImpl(pages).read(id)),
        "the activity reads the same page");
  }

  @Test
  void aClosedPageStaysReadableAndATerminatedOneIsGoneFromTheWalk(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    TemporalPages pages = new TemporalPages(client, worker.getTaskQueue());
    String closed = "amble/prod/@pages/run2/failed/0";
    String removed = "amble/prod/@pages/run2/walk.1/0";
    Page page = new Page(Pages.FAILED, 0, List.of(new PageLine("web03", "failed", "apt broke", 2)));
    pages.write(closed, page);
    pages.write(removed, page);
    assertTrue(pages.terminate(removed, "replaced"));
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
        client.fetchHistory(removed).getLastEvent().getEventType());
    assertFalse(pages.terminate(removed, "again"), "a page terminated already is not running");
    pages.close(closed);
    client.newUntypedWorkflowStub(closed).getResult(Void.class);
    assertEquals(Optional.of(page), pages.read(closed), "a closed page is kept for the retention");
    pages.close("amble/prod/@pages/run2/failed/9");
  }
}
