package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.amble.machine.TransitionVisits;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollout's content fails Ansible's syntax check on the worker: it ends before any host. */
@ExtendWith(TransitionVisits.class)
class SyntaxCheckWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static final SyntaxCheckResult MISSING_ROLE =
      new SyntaxCheckResult(
          false,
          "[ERROR]: the role 'motd' was not found in /srv/ops/roles",
          "/srv/ops/site.yml:4:7",
          List.of("3   roles:", "4     - motd", "        ^ column 7"),
          "/logs/all/syntax-check.log");

  @Test
  void aFailedSyntaxCheckEndsTheRolloutFailedBeforeAnyHost(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet = new MockFleet(RolloutWorkflowTest.hosts(3));
    doReturn(MISSING_ROLE).when(fleet.workspace).checkSyntax(any());
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutWorkflow wf = RolloutWorkflowTest.rollout(client, worker, "fleet");
    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                wf.run(
                    RolloutInput.start(
                        TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1))));
    ApplicationFailure why = (ApplicationFailure) failed.getCause();
    assertEquals(SyntaxCheck.FAILURE_TYPE, why.getType());
    assertTrue(
        why.getOriginalMessage()
            .contains("no host was touched: [ERROR]: the role 'motd' was not found"),
        why.getOriginalMessage());
    assertTrue(
        why.getOriginalMessage().contains("Origin: /srv/ops/site.yml:4:7"),
        why.getOriginalMessage());
    verify(fleet.workspace, never()).planPages(any());
    assertEquals(List.of(), fleet.prepared);
  }
}
