package dev.amble.rollout;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.amble.health.HealthCheckActivities;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.health.HealthCheckRequest;
import dev.amble.host.Claim;
import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.JobRequest;
import dev.amble.host.Preparation;
import dev.amble.host.PrepareRequest;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivities;
import dev.amble.pages.PageLine;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.temporal.activity.Activity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Mocked activities for workflow tests, recording what happened to each host: the order of
 * prepares, jobs and finishes, a timeline with workflow time, and the most hosts walked at once.
 */
public final class MockFleet {
  static final RunResult OK = new RunResult(RunStatus.OK, "", "", "", 0, "/logs/x.log");

  /** One thing that happened, at workflow time (the test environment skips time). */
  record Event(String kind, String host, long at) {}

  final HealthCheckActivities healthChecks =
      mock(HealthCheckActivities.class, withSettings().withoutAnnotations());
  final List<Event> timeline = Collections.synchronizedList(new ArrayList<>());
  final List<String> healthCheckRuns = Collections.synchronizedList(new ArrayList<>());
  final HostActivities host = mock(HostActivities.class, withSettings().withoutAnnotations());
  final WorkspaceActivities workspace =
      mock(WorkspaceActivities.class, withSettings().withoutAnnotations());
  final PageActivities pages = mock(PageActivities.class, withSettings().withoutAnnotations());
  final List<String> prepared = Collections.synchronizedList(new ArrayList<>());
  final List<String> jobs = Collections.synchronizedList(new ArrayList<>());
  final List<String> finished = Collections.synchronizedList(new ArrayList<>());

  /** host:job of each run that finished its host (the walk's last run). */
  final List<String> finishedBy = Collections.synchronizedList(new ArrayList<>());

  final AtomicInteger walkingNow = new AtomicInteger();
  final AtomicInteger mostAtOnce = new AtomicInteger();

  MockFleet(List<String> hosts) {
    this(hosts, List.of());
  }

  MockFleet(List<String> hosts, List<RolloutPlan.Skipped> skipped) {
    plan(workspace, pages, hosts, skipped, 3);
    prepare(h -> new Preparation(OK, holds(4), RemoteState.NONE));
    healthChecks(r -> new HealthCheckAnswer(true, ""));
    job((r) -> OK);
    when(host.finishHost(any()))
        .thenAnswer(
            inv -> {
              FinishRequest r = inv.getArgument(0);
              finished(r.target().host());
              return OK;
            });
  }

  /** The host was finished: by finishHost, or by the walk's last run. */
  private void finished(String host) {
    finished.add(host);
    timeline.add(new Event("finish", host, now()));
    walkingNow.decrementAndGet();
  }

  /**
   * The upgrade job holds each host that reaches it: it counts {@code started} down and returns
   * once {@code release} is counted down (a long job the test ends when it wants).
   */
  void upgradeHeldUntil(
      java.util.concurrent.CountDownLatch started, java.util.concurrent.CountDownLatch release) {
    jobHeldUntil("upgrade", h -> true, started, release);
  }

  /**
   * The job named {@code job} holds each host {@code held} accepts that reaches it: it counts
   * {@code started} down and returns once {@code release} is counted down. With {@code started}
   * counting the window's size, the test knows the window was full, without sleeps.
   */
  void jobHeldUntil(
      String job,
      java.util.function.Predicate<String> held,
      java.util.concurrent.CountDownLatch started,
      java.util.concurrent.CountDownLatch release) {
    job(
        r -> {
          if (r.step().job().name().equals(job) && held.test(r.target().host())) {
            started.countDown();
            try {
              if (!release.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the " + job + " job");
              }
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
          return OK;
        });
  }

  /** Every mock, for a test worker to register. */
  Object[] activities() {
    return new Object[] {host, workspace, healthChecks, pages};
  }

  /**
   * Plans {@code walk} in that order, kept on pages of {@code pageSize} hosts (small, so that tests
   * cross pages), which {@code pages} reads back; the skipped hosts are counted.
   */
  static void plan(
      WorkspaceActivities workspace,
      PageActivities pages,
      List<String> walk,
      List<RolloutPlan.Skipped> skipped,
      int pageSize) {
    doAnswer(inv -> SyntaxCheckResult.pass("/logs/all/syntax-check.log"))
        .when(workspace)
        .checkSyntax(any());
    int skippedHosts = skipped.stream().mapToInt(s -> s.hosts().size()).sum();
    summary(
        workspace,
        walk.size(),
        pageSize,
        skippedHosts,
        skipped.stream().map(s -> new PlanSummary.Reason(s.reason(), s.hosts().size())).toList(),
        new WalkLayout(List.of(), List.of()));
    doAnswer(
            inv -> {
              String id = inv.getArgument(0);
              int index = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1));
              List<PageLine> lines =
                  walk
                      .subList(index * pageSize, Math.min(walk.size(), (index + 1) * pageSize))
                      .stream()
                      .map(PageLine::walk)
                      .toList();
              return new Page("walk.1", index, lines);
            })
        .when(pages)
        .read(any());
  }

  /**
   * Plans {@code walk} (hosts in walk order, each with its tier and failure domain) as planning
   * keeps it: the walk order and, with a failure domain or tiers in {@code strategy}, its runs and
   * tiers ({@link WalkLayout}), on pages of {@code pageSize} lines.
   */
  static void planPlaced(
      WorkspaceActivities workspace,
      PageActivities pages,
      List<dev.amble.plan.HostPlan> walk,
      dev.amble.amblefile.Strategy strategy,
      int pageSize) {
    doAnswer(inv -> SyntaxCheckResult.pass("/logs/all/syntax-check.log"))
        .when(workspace)
        .checkSyntax(any());
    WalkLayout layout = WalkLayout.of(walk, strategy);
    summary(workspace, walk.size(), pageSize, 0, List.of(), layout);
    doAnswer(
            inv -> {
              String id = inv.getArgument(0);
              int index = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1));
              boolean runs = id.contains("/domains.1/");
              List<PageLine> all =
                  runs ? layout.runs() : walk.stream().map(h -> PageLine.walk(h.host())).toList();
              return new Page(
                  runs ? "domains.1" : "walk.1",
                  index,
                  List.copyOf(
                      all.subList(index * pageSize, Math.min(all.size(), (index + 1) * pageSize))));
            })
        .when(pages)
        .read(any());
  }

  /** Planning answers with a summary of {@code walk} hosts on pages of {@code pageSize}. */
  private static void summary(
      WorkspaceActivities workspace,
      int walk,
      int pageSize,
      int skippedHosts,
      List<PlanSummary.Reason> reasons,
      WalkLayout layout) {
    doAnswer(
            inv -> {
              PlanPagesRequest r = inv.getArgument(0);
              return new PlanSummary(
                  r.prefix(),
                  "walk.1",
                  walk,
                  (walk + pageSize - 1) / pageSize,
                  pageSize,
                  "skipped.1",
                  skippedHosts,
                  0,
                  walk + skippedHosts,
                  reasons,
                  layout.runs().isEmpty() ? "" : "domains.1",
                  layout.runs().size(),
                  (layout.runs().size() + pageSize - 1) / pageSize,
                  layout.tiers());
            })
        .when(workspace)
        .planPages(any());
  }

  /** The summary a rollout keeps in its memo, as the CLI reads it without a worker. */
  static RolloutSummary memo(io.temporal.client.WorkflowClient client, String workflowId) {
    var info =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(
                        io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                            .setWorkflowId(workflowId))
                    .build())
            .getWorkflowExecutionInfo();
    var payload = info.getMemo().getFieldsMap().get(RolloutSummary.MEMO_KEY);
    return client
        .getOptions()
        .getDataConverter()
        .fromPayload(payload, RolloutSummary.class, RolloutSummary.class);
  }

  /** A page as any machine reads it: its workflow's first event. */
  static Page readPage(io.temporal.client.WorkflowClient client, String id) {
    var history =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .getWorkflowExecutionHistory(
                io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(
                        io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(id))
                    .build());
    var input =
        history.getHistory().getEvents(0).getWorkflowExecutionStartedEventAttributes().getInput();
    return client
        .getOptions()
        .getDataConverter()
        .fromPayloads(0, java.util.Optional.of(input), Page.class, Page.class);
  }

  /** Pages read from Temporal, as the real activity does: for pages the workflow kept itself. */
  void readPagesFrom(io.temporal.client.WorkflowClient client) {
    doAnswer(inv -> readPage(client, inv.getArgument(0))).when(pages).read(any());
  }

  /**
   * How one host's walk ended, from its host workflow's history (the rollout counts it, not lists
   * it), waiting for it to end. Not through the stub's getResult: the test environment lets time
   * skip while a test waits in getResult, and a caught rollout, which waits on no timer, would skip
   * to its 10-year execution timeout and time out (seen on a busy machine).
   */
  static HostResult walkOf(io.temporal.client.WorkflowClient client, String host) {
    String id =
        RolloutRequest.hostWorkflowId(
            RolloutRequest.workflowId(dev.amble.amblefile.Amblefile.DEFAULT_PROJECT, "fleet"),
            host);
    for (int i = 0; i < 600; i++) {
      var last = client.fetchHistory(id).getLastEvent();
      if (last.hasWorkflowExecutionCompletedEventAttributes()) {
        dev.amble.host.HostOutcome o =
            client
                .getOptions()
                .getDataConverter()
                .fromPayloads(
                    0,
                    java.util.Optional.of(
                        last.getWorkflowExecutionCompletedEventAttributes().getResult()),
                    dev.amble.host.HostOutcome.class,
                    dev.amble.host.HostOutcome.class);
        return new HostResult(o.outcome(), o.reason());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the walk of " + host + " did not complete");
  }

  static List<Verdict> holds(int n) {
    return Collections.nCopies(n, Verdict.HOLDS);
  }

  /**
   * The test server's clock, for the activities a walk runs locally (its prepare): a local
   * activity's scheduled time is the worker's clock, not the workflow's (skipped) time. Tests that
   * compare the timeline's times set it (StrategyWorkflowTest.start).
   */
  java.util.function.LongSupplier testServerClock = System::currentTimeMillis;

  /** When the activity was scheduled, in workflow time. */
  long now() {
    var info = Activity.getExecutionContext().getInfo();
    return info.isLocal()
        ? testServerClock.getAsLong()
        : info.getCurrentAttemptScheduledTimestamp();
  }

  /**
   * Health checks answer by name: the function gets the health check's name and scope (host or
   * wave).
   */
  void healthChecks(Function<HealthCheckRequest, HealthCheckAnswer> answer) {
    doAnswer(
            inv -> {
              HealthCheckRequest r = inv.getArgument(0);
              healthCheckRuns.add(
                  r.healthCheck().name() + "@" + r.host().orElse("wave " + r.wave()));
              timeline.add(
                  new Event("health check " + r.healthCheck().name(), r.host().orElse(""), now()));
              return answer.apply(r);
            })
        .when(healthChecks)
        .run(any());
  }

  /** How hosts answer their walk's first contact: its preparation, or its first run's claim. */
  private Function<String, Preparation> preparation;

  /** Hosts prepared whose claim has not come yet: a claim for any other is a first contact. */
  private final Set<String> preparedUnclaimed = ConcurrentHashMap.newKeySet();

  /**
   * How hosts answer their walk's first contact. A walk that prepares (its Amblefile has a
   * precondition) gets the answer; one that does not ({@link Preparation#needless}) meets it at its
   * first run's claim, as the real activity does: a host whose answer is a failed run fails the
   * claim (unreachable there: {@link Claim#TASK}). Both are "prepare" in {@link #prepared} and the
   * timeline.
   */
  void prepare(Function<String, Preparation> answer) {
    preparation = answer;
    doAnswer(
            inv -> {
              PrepareRequest r = inv.getArgument(0);
              preparedUnclaimed.add(r.target().host());
              return contact(r.target().host(), true);
            })
        .when(host)
        .prepareHost(any());
  }

  /** The host's answer to a first contact; {@code counted} unless it is an activity's retry. */
  private Preparation contact(String host, boolean counted) {
    Preparation p = preparation.apply(host);
    if (!counted) {
      return p;
    }
    prepared.add(host);
    timeline.add(new Event("prepare", host, now()));
    if (p.run().ok() && p.verdicts().stream().allMatch(Verdict::holds)) {
      mostAtOnce.accumulateAndGet(walkingNow.incrementAndGet(), Math::max);
    }
    return p;
  }

  /** The claim of a walk that did not prepare its host: the host's answer to a first contact. */
  private Optional<RunResult> unpreparedClaim(JobRequest r) {
    String host = r.target().host();
    if (r.claim().isEmpty() || r.step().exit() || preparedUnclaimed.remove(host)) {
      return Optional.empty();
    }
    Preparation p =
        contact(
            host, io.temporal.activity.Activity.getExecutionContext().getInfo().getAttempt() == 1);
    if (!p.run().ok()) {
      RunResult failed = p.run();
      return Optional.of(
          new RunResult(
              failed.status(), Claim.TASK, "amble_lock", failed.message(), 0, failed.log()));
    }
    if (!p.verdicts().stream().allMatch(Verdict::holds)) {
      throw new IllegalStateException(
          host
              + ": the mock's preconditions fail, but the Amblefile's are all true, so the walk"
              + " did not prepare: give the Amblefile a precondition");
    }
    return Optional.empty();
  }

  void job(Function<JobRequest, RunResult> answer) {
    doAnswer(
            inv -> {
              JobRequest r = inv.getArgument(0);
              jobs.add(
                  r.target().host()
                      + ":"
                      + r.step().job().name()
                      + (r.claim().isPresent() ? "+claim" : ""));
              Optional<RunResult> unreached = unpreparedClaim(r);
              if (unreached.isPresent()) {
                return unreached.get();
              }
              RunResult result = answer.apply(r);
              if (r.finish().isPresent() && result.ok()) {
                finishedBy.add(r.target().host() + ":" + r.step().job().name());
                finished(r.target().host());
              }
              return result;
            })
        .when(host)
        .runJob(any());
    // A step asked by reference is the job request the walk's input names (WalkInputs).
    org.mockito.Mockito.doCallRealMethod().when(host).runStep(any());
  }

  List<String> jobsOf(String host) {
    return jobs.stream()
        .filter(j -> j.startsWith(host + ":"))
        .map(j -> j.substring(host.length() + 1))
        .toList();
  }
}
