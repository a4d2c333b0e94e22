package dev.amble.worker;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.ActivityHeartbeat;
import dev.amble.ansible.FactGathering;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.PlaybookSyntax;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.pages.TemporalPages;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import dev.amble.rollout.PlanPagesRequest;
import dev.amble.rollout.PlanRequest;
import dev.amble.rollout.PlanSummary;
import dev.amble.rollout.RolloutPlan;
import dev.amble.rollout.SyntaxCheckRequest;
import dev.amble.rollout.SyntaxCheckResult;
import dev.amble.rollout.WorkspaceActivities;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link WorkspaceActivities} through the real ansible-inventory and ansible-playbook. */
public final class WorkspaceActivitiesImpl implements WorkspaceActivities {
  private final ProcessRunner runner;
  private final Optional<TemporalPages> pages;
  private final ContentFolders contents;

  public WorkspaceActivitiesImpl(
      ProcessRunner runner, Optional<TemporalPages> pages, ContentFolders contents) {
    this.runner = runner;
    this.pages = pages;
    this.contents = contents;
  }

  /** Activities that plan in the Amblefile's folder itself (rollouts without content, tests). */
  public WorkspaceActivitiesImpl(ProcessRunner runner, Optional<TemporalPages> pages) {
    this(runner, pages, ContentFolders.inPlace(java.time.Clock.systemUTC()));
  }

  @Override
  public PlanSummary planPages(PlanPagesRequest request) {
    TemporalPages store =
        pages.orElseThrow(
            () -> new IllegalStateException("this process keeps no pages in Temporal"));
    Plan plan = plan(request.definition(), request.limit(), request.seed());
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return new PlanPagesWriter(store, ActivityHeartbeat.current())
        .write(plan, request.prefix(), attempt);
  }

  /**
   * Hosts resolved, then planned in walk order (preconditions read the vars as they are now; each
   * host's prepare reads them again).
   */
  private Plan plan(Definition asStarted, Optional<String> limit, long seed) {
    ContentFolders.Local here = contents.local(asStarted.folder(), asStarted.content());
    Definition d = here.definition(asStarted);
    WorkspacePlanner planner =
        new WorkspacePlanner(
            new Inventory(runner),
            Optional.of(
                here.dir(
                    asStarted.project(),
                    asStarted.workspace().name(),
                    asStarted.workspace().factStore())));
    return planner.plan(
        d,
        limit,
        seed,
        hosts -> {
          if (hosts.names().isEmpty()) {
            throw ApplicationFailure.newNonRetryableFailure(
                d.workspace().noHostsMatch(limit), "NoHosts");
          }
        });
  }

  /** The plan in one result, for rollouts started before pages (it grows with the fleet). */
  @Override
  public RolloutPlan planRollout(PlanRequest request) {
    Plan plan = plan(request.definition(), request.limit(), request.seed());
    List<RolloutPlan.Planned> walk = new ArrayList<>();
    Map<String, List<String>> skipped = new LinkedHashMap<>();
    for (HostPlan h : plan.hosts()) {
      if (h.decision().walks()) {
        walk.add(new RolloutPlan.Planned(h.host(), h.decision()));
      } else {
        skipped.computeIfAbsent(h.reason(), r -> new ArrayList<>()).add(h.host());
      }
    }
    List<RolloutPlan.Skipped> groups = new ArrayList<>();
    skipped.forEach((reason, names) -> groups.add(new RolloutPlan.Skipped(reason, names)));
    return new RolloutPlan(walk, groups);
  }

  /**
   * The check runs in this worker's copy of the content; the places in its answer read as in the
   * Amblefile's folder where the rollout was started, which is where the operator mends them.
   */
  @Override
  public SyntaxCheckResult checkSyntax(SyntaxCheckRequest request) {
    Definition asStarted = request.definition();
    ContentFolders.Local here = contents.local(asStarted.folder(), asStarted.content());
    SyntaxCheckResult r =
        new PlaybookSyntax(runner)
            .check(
                here.definition(asStarted),
                here.folder(),
                here.dir(
                    asStarted.project(),
                    asStarted.workspace().name(),
                    asStarted.workspace().factStore()));
    String copy = here.folder().toString();
    if (r.passed() || copy.equals(here.origin())) {
      return r;
    }
    return new SyntaxCheckResult(
        false,
        r.error().replace(copy, here.origin()),
        r.origin().replace(copy, here.origin()),
        r.excerpt(),
        r.log());
  }

  @Override
  public InitResult gatherFacts(InitRequest request) {
    return new FactGathering(runner).gather(request);
  }
}
