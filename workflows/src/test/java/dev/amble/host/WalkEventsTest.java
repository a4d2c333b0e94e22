package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.machine.TransitionVisits;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a plain host walk spends of a history (issue 30: at most 16 events per host, rollout and
 * walk together): one job that goes well. The walk prepares its host in a local activity (one
 * marker, where an activity took three events and a workflow task three more) and its one run
 * finishes the host; its rollout chose that when it started the walk, so the walk asks no version
 * marker. A walk whose jobs have no precondition but {@code true} skips preparing: one marker
 * fewer. An event more fails this test: the budget is then spent, and the README's figure is wrong.
 */
@ExtendWith(TransitionVisits.class)
class WalkEventsTest {
  static final RunResult OK = new RunResult(RunStatus.OK, "", "", "", 0, "/logs/x.log");

  static final class Activities implements HostActivities {
    /** The job requests the walk's runs came to, whichever way the walk asked them. */
    final List<JobRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Preparation prepareHost(PrepareRequest r) {
      return new Preparation(OK, List.of(Verdict.HOLDS), RemoteState.NONE);
    }

    @Override
    public RunResult runJob(JobRequest r) {
      asked.add(r);
      if (r.finish().isEmpty()) {
        throw new IllegalStateException("the walk's one run should finish the host");
      }
      return OK;
    }

    @Override
    public RunResult finishHost(FinishRequest r) {
      throw new IllegalStateException("the walk's one run finishes the host");
    }
  }

  static Definition oneJob() throws AmblefileException {
    return AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch }
            workflows:
              patch: { jobs: [ { job: patch } ] }
            jobs:
              patch: { tasks: [ { ansible.builtin.ping: {} } ] }
            """)
        .definition("fleet");
  }

  static final List<String> TWELVE =
      List.of(
          "WORKFLOW_EXECUTION_STARTED",
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "MARKER_RECORDED LocalActivity",
          "ACTIVITY_TASK_SCHEDULED RunJob",
          "ACTIVITY_TASK_STARTED",
          "ACTIVITY_TASK_COMPLETED",
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "WORKFLOW_EXECUTION_COMPLETED");

  /**
   * A walk of a rollout adds two: the outcome's search attribute (where the namespace has amble's),
   * and the marker of its end's report to the rollout.
   */
  @Test
  void aOneJobWalkIsTwelveEventsBeforeItsReportAndSearchAttribute() throws Exception {
    assertEquals(TWELVE, walkEvents(true, false, false).events());
  }

  /** A walk its rollout started before rollouts chose how walks prepare asks its version marker. */
  @Test
  void aWalkStartedBeforeItsRolloutChoseAsksItsVersionMarker() throws Exception {
    List<String> withMarker = new java.util.ArrayList<>(TWELVE);
    withMarker.add(4, "MARKER_RECORDED Version");
    assertEquals(withMarker, walkEvents(false, false, false).events());
  }

  /**
   * A walk with nothing to prepare (no precondition but {@code true}: {@link Preparation#needless})
   * has no preparation's marker: eleven events, thirteen with its report and search attribute.
   */
  @Test
  void aWalkWithNothingToPrepareIsElevenEvents() throws Exception {
    List<String> unprepared = new java.util.ArrayList<>(TWELVE);
    unprepared.remove("MARKER_RECORDED LocalActivity");
    assertEquals(unprepared, walkEvents(true, true, false).events());
  }

  /**
   * A walk that asks its steps by reference ({@link HostInput#stepsByReference}) spends the same
   * events; its step's request names the job by its place, a few dozen bytes, and the activity runs
   * the very request the walk would have sent in full, read from the walk's own input.
   */
  @Test
  void aWalkThatAsksItsStepsByReferenceRunsTheSameRequestFromAFewBytes() throws Exception {
    Walked walked = walkEvents(true, true, true);
    List<String> expected = new java.util.ArrayList<>(TWELVE);
    expected.remove("MARKER_RECORDED LocalActivity");
    expected.set(
        expected.indexOf("ACTIVITY_TASK_SCHEDULED RunJob"), "ACTIVITY_TASK_SCHEDULED RunStep");
    assertEquals(expected, walked.events());
    Definition d = oneJob();
    Claim claim = new Claim("patch", "amble/fleet", false);
    assertEquals(
        List.of(
            new JobRequest(
                WalkInputs.target(d, "h01"),
                d.steps().get(0),
                false,
                java.util.Optional.of(claim),
                java.util.Optional.of(claim))),
        walked.asked());
    org.junit.jupiter.api.Assertions.assertTrue(
        walked.stepBytes() < 100, "a step's request of " + walked.stepBytes() + " bytes");
  }

  /** A walk's events, what its activities were asked, and the largest step request's bytes. */
  record Walked(List<String> events, List<JobRequest> asked, int stepBytes) {}

  private static Walked walkEvents(
      boolean prepareLocally, boolean skipPreparation, boolean stepsByReference)
      throws AmblefileException {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("walk-events");
      worker.registerWorkflowImplementationTypes(TransitionVisits.OPTIONS, HostWorkflowImpl.class);
      Activities activities = new Activities();
      worker.registerActivitiesImplementations(activities);
      env.start();
      HostOutcome o =
          env.getWorkflowClient()
              .newWorkflowStub(
                  HostWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("walk-events")
                      .setWorkflowId("amble/fleet/h01")
                      .build())
              .walk(
                  new HostInput(
                      oneJob(),
                      "h01",
                      "amble/fleet",
                      false,
                      false,
                      Duration.ofSeconds(30),
                      false,
                      1,
                      false,
                      prepareLocally,
                      "",
                      skipPreparation,
                      stepsByReference));
      assertEquals(Outcome.SUCCEEDED, o.outcome());
      List<HistoryEvent> history =
          env.getWorkflowClient().fetchHistory("amble/fleet/h01").getEvents();
      return new Walked(
          history.stream().map(WalkEventsTest::describe).toList(),
          List.copyOf(activities.asked),
          history.stream()
              .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
              .mapToInt(
                  e -> e.getActivityTaskScheduledEventAttributes().getInput().getSerializedSize())
              .max()
              .orElse(0));
    }
  }

  private static String describe(HistoryEvent e) {
    String type = e.getEventType().name().replace("EVENT_TYPE_", "");
    if (e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED) {
      return type + " " + e.getMarkerRecordedEventAttributes().getMarkerName();
    }
    if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      return type + " " + e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
    }
    return type;
  }
}
