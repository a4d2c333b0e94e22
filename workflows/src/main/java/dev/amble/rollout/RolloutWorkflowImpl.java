package dev.amble.rollout;

import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostWorkflow;
import dev.amble.host.Outcome;
import dev.amble.plan.HostOrder;
import dev.amble.visibility.AmbleSearchAttributes;
import dev.amble.visibility.Descriptions;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The rolling run: plan, then a sliding window of host workflows, steered by catch and release. */
public final class RolloutWorkflowImpl implements RolloutWorkflow {
  /** At most this many steering acts are kept (the latest). */
  static final int STEERING_KEPT = 50;

  private final WorkspaceActivities workspace =
      Workflow.newActivityStub(
          WorkspaceActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(30))
              .setHeartbeatTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(2))
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setMaximumAttempts(10)
                      .build())
              .build());

  private RolloutRequest request;
  private String rollout = "";
  private String phase = "planning";
  private int total;
  private final Deque<String> queue = new ArrayDeque<>();
  private final Map<String, HostResult> results = new LinkedHashMap<>();
  private final Map<String, Promise<HostOutcome>> inFlight = new LinkedHashMap<>();
  private final List<String> awaiting = new ArrayList<>();
  private RolloutState.Caught caught = RolloutState.Caught.NO;
  private final Deque<Steering> steering = new ArrayDeque<>();
  private int runs;
  private RolloutSummary recorded;

  @Override
  public RolloutStatus run(RolloutInput input) {
    request = input.request();
    if (input.carried().isPresent()) {
      restore(input.carried().get());
    } else {
      rollout = Workflow.getInfo().getFirstExecutionRunId();
      RolloutPlan plan =
          workspace.planRollout(new PlanRequest(request.definition(), request.limit(), request.seed()));
      for (RolloutPlan.Skipped group : plan.skipped()) {
        for (String host : group.hosts()) {
          results.put(host, new HostResult(Outcome.SKIPPED, group.reason()));
        }
      }
      // The plan comes in walk order already; sorting here again (a pure function of the names,
      // the sort order and the recorded seed) makes the order the workflow's own decision.
      queue.addAll(
          HostOrder.sort(
              plan.walk().stream().map(RolloutPlan.Planned::host).toList(),
              request.definition().workspace().sortOrder(),
              request.seed()));
      total = plan.total();
    }
    phase = caught.caught() ? "caught" : "walking";
    while (true) {
      record();
      Workflow.await(
          () -> anyFinished() || canStart() || nothingLeft() || (continueAsNewDue() && inFlight.isEmpty()));
      collectFinished();
      if (nothingLeft()) {
        break;
      }
      if (continueAsNewDue() && inFlight.isEmpty()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(new RolloutInput(request, Optional.of(state())));
      }
      while (canStart()) {
        start(queue.removeFirst());
      }
      phase = caught.caught() ? (inFlight.isEmpty() ? "caught" : "draining") : "walking";
    }
    phase = "done";
    record();
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  /**
   * Keeps the summary in the memo whenever it changed (one event each time), the phase in the
   * AmbleOutcome search attribute, and the Web UI's current details.
   */
  private void record() {
    RolloutStatus status = status();
    Workflow.setCurrentDetails(Descriptions.rolloutNow(status));
    RolloutSummary now = RolloutSummary.of(status);
    if (!now.equals(recorded)) {
      Workflow.upsertMemo(java.util.Map.of(RolloutSummary.MEMO_KEY, now));
      if (request.searchAttributes() && (recorded == null || !recorded.phase().equals(now.phase()))) {
        Workflow.upsertTypedSearchAttributes(AmbleSearchAttributes.OUTCOME.valueSet(now.phase()));
      }
      recorded = now;
    }
  }

  private boolean nothingLeft() {
    return queue.isEmpty() && inFlight.isEmpty() && awaiting.isEmpty();
  }

  private boolean canStart() {
    return !caught.caught()
        && !continueAsNewDue()
        && !queue.isEmpty()
        && inFlight.size() < request.concurrency();
  }

  private boolean anyFinished() {
    for (Promise<HostOutcome> p : inFlight.values()) {
      if (p.isCompleted()) {
        return true;
      }
    }
    return false;
  }

  private boolean continueAsNewDue() {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > request.eventsPerRun();
  }

  private void start(String host) {
    ChildWorkflowOptions.Builder options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(RolloutRequest.hostWorkflowId(request.workspace(), host))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setStaticSummary(Descriptions.hostSummary(request.workspace(), host));
    if (request.searchAttributes()) {
      options.setTypedSearchAttributes(AmbleSearchAttributes.host(request.workspace(), host));
    }
    HostWorkflow child = Workflow.newChildWorkflowStub(HostWorkflow.class, options.build());
    HostInput input =
        new HostInput(
            request.definition(),
            host,
            rollout,
            request.check(),
            request.stompLocks(),
            request.heartbeatTimeout(),
            request.searchAttributes());
    inFlight.put(host, Async.function(child::walk, input));
  }

  /** Records every finished host, in the order they were started; a failure catches the rollout. */
  private void collectFinished() {
    Iterator<Map.Entry<String, Promise<HostOutcome>>> it = inFlight.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Promise<HostOutcome>> e = it.next();
      if (!e.getValue().isCompleted()) {
        continue;
      }
      it.remove();
      String host = e.getKey();
      HostResult result;
      try {
        HostOutcome outcome = e.getValue().get();
        result = new HostResult(outcome.outcome(), outcome.reason());
      } catch (RuntimeException failed) {
        result = new HostResult(Outcome.FAILED, "host workflow failed: " + oneLine(failed));
      }
      results.put(host, result);
      if (result.outcome().isFailure()) {
        awaiting.add(host);
        if (!caught.caught()) {
          caught =
              new RolloutState.Caught(
                  true, "host " + host + " " + result.outcome().word() + ": " + result.reason(), "amble", now());
          steer("auto-catch", "amble", caught.reason());
        }
      }
    }
  }

  private void applyCatch(CatchRequest r) {
    String reason = r.reason() == null || r.reason().isBlank() ? "caught by " + r.by() : r.reason();
    if (!caught.caught()) {
      caught = new RolloutState.Caught(true, reason, r.by(), now());
    }
    steer("catch", r.by(), reason);
    if (!phase.equals("done") && !phase.equals("planning")) {
      phase = inFlight.isEmpty() ? "caught" : "draining";
      record();
    }
  }

  private void applyRelease(ReleaseRequest r) {
    if (!caught.caught()) {
      return;
    }
    if (r.skipFailed()) {
      awaiting.clear();
    } else {
      for (int i = awaiting.size() - 1; i >= 0; i--) {
        results.remove(awaiting.get(i));
        queue.addFirst(awaiting.get(i));
      }
      awaiting.clear();
    }
    caught = RolloutState.Caught.NO;
    steer(r.skipFailed() ? "release --skip-failed" : "release", r.by(), "");
    if (!phase.equals("done") && !phase.equals("planning")) {
      phase = "walking";
      record();
    }
  }

  /** Signals may come from the Web UI, typed by hand: an empty input or field is tolerated. */
  @Override
  public void catchSignal(CatchRequest request) {
    applyCatch(
        new CatchRequest(
            request == null || request.reason() == null ? "" : request.reason(),
            request == null || request.by() == null || request.by().isBlank() ? "the Web UI" : request.by()));
  }

  @Override
  public void releaseSignal(ReleaseRequest request) {
    applyRelease(
        new ReleaseRequest(
            request != null && request.skipFailed(),
            request == null || request.by() == null || request.by().isBlank() ? "the Web UI" : request.by()));
  }

  @Override
  public RolloutStatus catchRollout(CatchRequest request) {
    applyCatch(request);
    return status();
  }

  @Override
  public RolloutStatus releaseRollout(ReleaseRequest request) {
    applyRelease(request);
    return status();
  }

  @Override
  public void validateRelease(ReleaseRequest request) {
    if (!caught.caught()) {
      throw new IllegalStateException("the rollout is not caught (phase " + phase + ")");
    }
  }

  @Override
  public void validateCatch(CatchRequest request) {
    if (phase.equals("done")) {
      throw new IllegalStateException("the rollout is done");
    }
  }

  @Override
  public RolloutStatus status() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Outcome o : Outcome.values()) {
      counts.put(o.word(), 0);
    }
    results.values().forEach(r -> counts.merge(r.outcome().word(), 1, Integer::sum));
    return new RolloutStatus(
        request == null ? "" : request.workspace(),
        request == null ? "" : request.definition().workflow().name(),
        rollout,
        request != null && request.check(),
        request == null ? "" : request.startedBy(),
        phase,
        total,
        counts,
        queue.size() + awaiting.size(),
        List.copyOf(inFlight.keySet()),
        new LinkedHashMap<>(results),
        List.copyOf(awaiting),
        caught,
        List.copyOf(steering),
        runs);
  }

  private RolloutState state() {
    return new RolloutState(
        rollout,
        total,
        List.copyOf(queue),
        new LinkedHashMap<>(results),
        List.copyOf(awaiting),
        caught,
        List.copyOf(steering),
        runs + 1);
  }

  private void restore(RolloutState s) {
    rollout = s.rollout();
    total = s.total();
    queue.addAll(s.queue());
    results.putAll(s.results());
    awaiting.addAll(s.awaiting());
    caught = s.caught();
    steering.addAll(s.steering());
    runs = s.runs();
  }

  private void steer(String kind, String by, String reason) {
    steering.addLast(new Steering(kind, by, reason, now()));
    while (steering.size() > STEERING_KEPT) {
      steering.removeFirst();
    }
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    m = m.replaceAll("\\s+", " ");
    return m.length() > 300 ? m.substring(0, 297) + "..." : m;
  }
}
