package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.host.Outcome;
import dev.amble.host.WalkStart;
import dev.amble.host.WalkStartActivities;
import dev.amble.host.WalkStartActivitiesImpl;
import dev.amble.machine.TransitionVisits;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Host walks started by the rollout's worker ({@link HostWalks#BY_WORKER}): a local activity starts
 * them, so a walk runs before the workflow task that started it is recorded. Here that task fails
 * after its walks have ended and reported (as when the worker dies between the start and the task's
 * completion): the task runs again, the rollout takes the reports it had already heard, the start
 * asked again is the same start (no host is walked twice), and the rollout ends.
 */
@ExtendWith(TransitionVisits.class)
class WalkStartsTest {
  /** Fails the rollout's workflow task once, just after its first batch of walks started. */
  static final AtomicBoolean crashAfterStart = new AtomicBoolean();

  /** Each call's walks' runs, by workflow ID, as Temporal answered. */
  static final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();

  @RegisterExtension
  static final TestWorkflowExtension ENV =
      RolloutWorkers.extension()
          .setActivityImplementations(new WalkEndsBySignal(), new StartsThenWaits())
          .setWorkerFactoryOptions(
              WorkerFactoryOptions.newBuilder()
                  .setWorkerInterceptors(new TaskFailsAfterStart())
                  .build())
          .build();

  static final List<String> HOSTS = StrategyWorkflowTest.hosts(2);

  @Test
  void aWalkThatEndsBeforeItsStartIsRecordedIsTakenAndNotWalkedAgain(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(HOSTS);
    crashAfterStart.set(true);
    calls.clear();
    StrategyWorkflowTest rollout = new StrategyWorkflowTest();
    rollout.start(env, worker, client, StrategyWorkflowTest.definition(2, ""), fleet);
    RolloutStatus done = rollout.result();

    assertFalse(crashAfterStart.get(), "the rollout's task never failed after a start");
    assertEquals("done", done.phase(), done.toString());
    assertEquals(HOSTS.size(), done.count(Outcome.SUCCEEDED), done.toString());
    assertEquals(HOSTS, fleet.jobs.stream().map(j -> j.split(":")[0]).sorted().toList());
    assertTrue(calls.size() >= 2, "the start was not asked again: " + calls);
    assertEquals(calls.get(0), calls.get(1), "the start asked again started other walks");
    assertEquals(HOSTS.size(), calls.get(0).size(), calls.toString());
  }

  /**
   * The worker's start of walks, then a wait until each walk has ended (and so reported), before
   * the local activity answers.
   */
  static final class StartsThenWaits implements WalkStartActivities {
    final WalkStartActivitiesImpl real = new WalkStartActivitiesImpl();

    @Override
    public List<String> startWalks(List<WalkStart> walks) {
      List<String> refused = real.startWalks(walks);
      WorkflowClient client =
          io.temporal.activity.Activity.getExecutionContext().getWorkflowClient();
      Map<String, String> runs = new ConcurrentHashMap<>();
      Instant deadline = Instant.now().plusSeconds(30);
      for (int i = 0; i < walks.size(); i++) {
        String id = walks.get(i).workflowId();
        while (WalksAcrossRunsTest.status(client, id)
            != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException(id + " never ended");
          }
          sleep(); // polling the walk with a deadline
        }
        runs.put(id, client.newUntypedWorkflowStub(id).describe().getExecution().getRunId());
      }
      calls.add(runs);
      return refused;
    }

    private static void sleep() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Throws from the rollout's code once, when its first start of walks has answered. */
  static final class TaskFailsAfterStart extends WorkerInterceptorBase {
    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(
              new WorkflowOutboundCallsInterceptorBase(outbound) {
                @Override
                public <R> LocalActivityOutput<R> executeLocalActivity(
                    LocalActivityInput<R> input) {
                  LocalActivityOutput<R> out = super.executeLocalActivity(input);
                  if (!input.getActivityName().equals("StartWalks")) {
                    return out;
                  }
                  return new LocalActivityOutput<>(
                      out.getResult()
                          .thenApply(
                              r -> {
                                if (crashAfterStart.compareAndSet(true, false)) {
                                  throw new IllegalStateException("the worker dies here");
                                }
                                return r;
                              }));
                }
              });
        }
      };
    }
  }
}
