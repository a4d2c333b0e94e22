package dev.amble.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.ActivityHeartbeat;
import dev.amble.ansible.AnsibleEvents;
import dev.amble.ansible.AnsibleException;
import dev.amble.ansible.HostVars;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.PlaybookRun;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessOutcome;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.pages.TemporalPages;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link WorkspaceActivities} through the real ansible-inventory and ansible-playbook. */
public final class WorkspaceActivitiesImpl implements WorkspaceActivities {
  static final Duration INIT_TIMEOUT = Duration.ofHours(6);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProcessRunner runner;
  private final Optional<TemporalPages> pages;

  /** For fact gathering and planning outside a worker (the CLI): no plan is kept in Temporal. */
  public WorkspaceActivitiesImpl(ProcessRunner runner) {
    this(runner, Optional.empty());
  }

  public WorkspaceActivitiesImpl(ProcessRunner runner, Optional<TemporalPages> pages) {
    this.runner = runner;
    this.pages = pages;
  }

  @Override
  public ResolvedHosts resolveHosts(ResolveRequest request) {
    Path folder = Path.of(request.folder());
    WorkspaceDir dir = WorkspaceDir.of(folder, request.workspace().name());
    Inventory.Hosts hosts =
        new Inventory(runner)
            .resolve(request.workspace().inventory(), request.workspace().hostPattern(), request.limit(), folder, dir);
    HostVars.writeAll(dir, hosts);
    return new ResolvedHosts(hosts.names());
  }

  @Override
  public PlanSummary planPages(PlanPagesRequest request) {
    TemporalPages store =
        pages.orElseThrow(() -> new IllegalStateException("this process keeps no pages in Temporal"));
    Plan plan = plan(request.definition(), request.limit(), request.seed());
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    return new PlanPagesWriter(store, ActivityHeartbeat.current()).write(plan, request.prefix(), attempt);
  }

  /** Hosts resolved (their vars kept on the worker for later checks), then planned in walk order. */
  private Plan plan(Definition d, Optional<String> limit, long seed) {
    WorkspacePlanner planner = new WorkspacePlanner(new Inventory(runner));
    Inventory.Hosts hosts = planner.hosts(d, limit);
    if (hosts.names().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(d.workspace().noHostsMatch(limit), "NoHosts");
    }
    HostVars.writeAll(WorkspaceDir.of(Path.of(d.folder()), d.workspace().name()), hosts);
    return planner.plan(d, hosts, limit, seed);
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

  @Override
  public InitResult gatherFacts(InitRequest request) {
    Path folder = Path.of(request.folder());
    WorkspaceDir dir = WorkspaceDir.of(folder, request.workspace().name());
    ObjectNode extra = JSON.createObjectNode();
    extra.put("amble_hosts", request.workspace().hostPattern());
    List<String> args = new ArrayList<>();
    request.limit().ifPresent(l -> args.addAll(List.of("--limit", l)));
    args.addAll(List.of("-f", Integer.toString(request.forks())));
    PlaybookRun.Finished run =
        PlaybookRun.playbook(
            runner,
            folder,
            dir,
            request.workspace().inventory(),
            Optional.empty(),
            dir.workspaceLogs(),
            "init",
            Playbooks.fixed(dir, "init.yml"),
            extra,
            args,
            INIT_TIMEOUT,
            false,
            ActivityHeartbeat.current());
    return result(run.outcome(), AnsibleEvents.read(run.events()), run.log());
  }

  static InitResult result(ProcessOutcome outcome, List<AnsibleEvents.Event> events, Path log) {
    Set<String> hosts = new LinkedHashSet<>();
    for (AnsibleEvents.Event e : events) {
      if (!e.host().isEmpty()) {
        hosts.add(e.host());
      }
    }
    Map<String, InitResult.HostProblem> problems = new LinkedHashMap<>();
    AnsibleEvents.problems(events)
        .forEach((host, p) -> problems.put(host, new InitResult.HostProblem(host, p.unreachable(), p.event().msg())));
    if (hosts.isEmpty() && outcome.exitCode() != 0) {
      throw new AnsibleException(
          "ansible-playbook exited " + outcome.exitCode() + " before any host ran; see " + log);
    }
    List<InitResult.HostProblem> listed =
        problems.values().stream().limit(InitResult.LISTED).toList();
    return new InitResult(
        hosts.size(), hosts.size() - problems.size(), listed, problems.size() - listed.size(), log.toString());
  }

}
