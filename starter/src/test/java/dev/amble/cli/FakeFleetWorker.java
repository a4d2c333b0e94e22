package dev.amble.cli;

import dev.amble.health.HealthCheckActivities;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.health.HealthCheckRequest;
import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.HostTarget;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.host.JobRequest;
import dev.amble.host.Preparation;
import dev.amble.host.PrepareRequest;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivitiesImpl;
import dev.amble.pages.PageLine;
import dev.amble.pages.PageWorkflowImpl;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.precondition.Verdict;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import dev.amble.rollout.PlanPagesRequest;
import dev.amble.rollout.PlanRequest;
import dev.amble.rollout.PlanSummary;
import dev.amble.rollout.RolloutPlan;
import dev.amble.rollout.RolloutWorkflowImpl;
import dev.amble.rollout.SyntaxCheckRequest;
import dev.amble.rollout.SyntaxCheckResult;
import dev.amble.rollout.WorkspaceActivities;
import dev.amble.state.RemoteState;
import dev.amble.worker.WalkEndActivitiesImpl;
import io.temporal.activity.Activity;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's test server (reporting a worker on the task queue, as a real server does while one
 * polls) and, in this JVM, a worker with amble's real rollout, host and page workflows over fake
 * activities: the plan walks the given hosts in order and skips the given ones; each job {@code
 * patch} waits at a health check the test opens (heartbeating, so that a cancellation reaches it);
 * every other step succeeds at once. No Ansible runs.
 */
final class FakeFleetWorker implements AutoCloseable {
  static final String IDENTITY = "fake-worker@test";

  final TestTemporal temporal;
  final WorkflowClient client;

  /** Counted down as each job {@code patch} starts. */
  final CountDownLatch jobsStarted;

  /** Opened by the test: the waiting jobs {@code patch} end, succeeded. */
  final CountDownLatch go = new CountDownLatch(1);

  /**
   * The hosts contacted first by their walk, in order: prepared, or claimed by the first run of a
   * walk with nothing to prepare (the fake's Amblefiles have no precondition).
   */
  final List<String> prepared = Collections.synchronizedList(new ArrayList<>());

  /** The same, as PROJECT/WORKSPACE/HOST: the project the host activities were given. */
  final List<String> preparedAs = Collections.synchronizedList(new ArrayList<>());

  /** Hosts prepared whose claim has not come yet: a claim for any other is a first contact. */
  private final java.util.Set<String> preparedUnclaimed =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** What the worker's syntax check of the rollout's content says; it passes unless set. */
  volatile SyntaxCheckResult syntax = SyntaxCheckResult.pass("/fake/syntax-check.log");

  /** The exit jobs run, as HOST:JOB. */
  final List<String> exitJobs = Collections.synchronizedList(new ArrayList<>());

  private final WorkflowServiceStubs stubs;
  private final WorkerFactory factory;
  private final List<String> walk;
  private final List<String> skipped;

  FakeFleetWorker(List<String> walk, List<String> skipped, int jobsToAwait) {
    this.walk = walk;
    this.skipped = skipped;
    this.jobsStarted = new CountDownLatch(jobsToAwait);
    temporal =
        TestTemporal.start(
            TestTemporal.answer(
                WorkflowServiceGrpc.getDescribeTaskQueueMethod(),
                r ->
                    DescribeTaskQueueResponse.newBuilder()
                        .addPollers(PollerInfo.newBuilder().setIdentity(IDENTITY))
                        .build()));
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address).build());
    client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace("default")
                .setIdentity(IDENTITY)
                .build());
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker("amble");
    worker.registerWorkflowImplementationTypes(
        RolloutWorkflowImpl.class, HostWorkflowImpl.class, PageWorkflowImpl.class);
    TemporalPages pages = new TemporalPages(client, "amble");
    worker.registerActivitiesImplementations(
        new Plan(pages),
        new Hosts(),
        new Checks(),
        new PageActivitiesImpl(pages),
        new WalkEndActivitiesImpl(),
        new dev.amble.host.WalkStartActivitiesImpl());
    factory.start();
  }

  @Override
  public void close() {
    go.countDown();
    factory.shutdownNow();
    factory.awaitTermination(5, TimeUnit.SECONDS);
    stubs.shutdownNow();
    temporal.close();
  }

  /** Plans the walk and skipped hosts given, as the real planning keeps them: on pages. */
  private final class Plan implements WorkspaceActivities {
    private final TemporalPages pages;

    Plan(TemporalPages pages) {
      this.pages = pages;
    }

    @Override
    public PlanSummary planPages(PlanPagesRequest request) {
      pages.write(
          Pages.id(request.prefix(), "walk.1", 0),
          new Page("walk.1", 0, walk.stream().map(PageLine::walk).toList()));
      if (!skipped.isEmpty()) {
        pages.write(
            Pages.id(request.prefix(), "skipped.1", 0),
            new Page(
                "skipped.1",
                0,
                skipped.stream()
                    .map(h -> new PageLine(h, "skipped", "job patch: facts.os is not set", 0))
                    .toList()));
      }
      return new PlanSummary(
          request.prefix(),
          "walk.1",
          walk.size(),
          1,
          Pages.WALK_PAGE_SIZE,
          "skipped.1",
          skipped.size(),
          skipped.isEmpty() ? 0 : 1,
          walk.size() + skipped.size(),
          skipped.isEmpty()
              ? List.of()
              : List.of(new PlanSummary.Reason("job patch: facts.os is not set", skipped.size())));
    }

    @Override
    public RolloutPlan planRollout(PlanRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public InitResult gatherFacts(InitRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SyntaxCheckResult checkSyntax(SyntaxCheckRequest request) {
      return syntax;
    }
  }

  private final class Hosts implements HostActivities {
    @Override
    public Preparation prepareHost(PrepareRequest request) {
      contacted(request.target());
      preparedUnclaimed.add(request.target().host());
      return new Preparation(
          ok(), request.steps().stream().map(s -> Verdict.HOLDS).toList(), RemoteState.NONE);
    }

    private void contacted(HostTarget t) {
      prepared.add(t.host());
      preparedAs.add(t.project() + "/" + t.workspace() + "/" + t.host());
    }

    @Override
    public RunResult runJob(JobRequest request) {
      String host = request.target().host();
      if (request.claim().isPresent()
          && !request.step().exit()
          && Activity.getExecutionContext().getInfo().getAttempt() == 1
          && !preparedUnclaimed.remove(host)) {
        contacted(request.target());
      }
      if (request.step().exit()) {
        exitJobs.add(host + ":" + request.step().job().name());
        return ok();
      }
      jobsStarted.countDown();
      try {
        while (!go.await(200, TimeUnit.MILLISECONDS)) {
          Activity.getExecutionContext().heartbeat(host); // a cancellation arrives here
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
      return new RunResult(RunStatus.OK, "", "", "", 2, "/var/log/amble/" + host + "-patch.log");
    }

    @Override
    public RunResult finishHost(FinishRequest request) {
      return ok();
    }

    private RunResult ok() {
      return new RunResult(RunStatus.OK, "", "", "", 0, "");
    }
  }

  private static final class Checks implements HealthCheckActivities {
    @Override
    public HealthCheckAnswer run(HealthCheckRequest request) {
      return new HealthCheckAnswer(true, "");
    }
  }
}
