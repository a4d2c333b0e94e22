package dev.amble.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.ansible.FactKeys;
import dev.amble.ansible.PlaybookInvocation;
import dev.amble.ansible.PlaybookRun;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.host.Claim;
import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.HostTarget;
import dev.amble.host.JobPreconditions;
import dev.amble.host.JobRequest;
import dev.amble.host.Preparation;
import dev.amble.host.PrepareRequest;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.precondition.CelValues;
import dev.amble.precondition.Precondition;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link HostActivities} through the real ansible-playbook: one process per call. */
public final class HostActivitiesImpl implements HostActivities {
  /** How long gathering facts, or finishing, may take on one host. */
  static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(10);

  private final ProcessRunner runner;
  private final String controller;
  private final Clock clock;
  private final ContentFolders contents;
  private final Map<String, Precondition> compiled = new ConcurrentHashMap<>();

  /**
   * @param controller who takes locks: written into the host's lock, e.g. worker@machine
   */
  public HostActivitiesImpl(
      ProcessRunner runner, String controller, Clock clock, ContentFolders contents) {
    this.runner = runner;
    this.controller = controller;
    this.clock = clock;
    this.contents = contents;
  }

  /** Activities that run Ansible in the Amblefile's folder itself (rollouts without content). */
  public HostActivitiesImpl(ProcessRunner runner, String controller, Clock clock) {
    this(runner, controller, clock, ContentFolders.inPlace(clock));
  }

  private ContentFolders.Local here(HostTarget t) {
    return contents.local(t.folder(), t.content());
  }

  @Override
  public Preparation prepareHost(PrepareRequest request) {
    ContentFolders.Local here = here(request.target());
    HostTarget t = here.target(request.target());
    WorkspaceDir dir = here.dir(t.project(), t.workspace(), t.facts());
    ObjectNode ambleVars = vars(t, request.workflow(), "", Optional.empty());
    if (FactKeys.onlyLocal(
        request.steps().stream().map(JobPreconditions::preconditions).toList())) {
      ambleVars.putArray("amble_gather_subset").add("!all").add("!min").add("local");
    }
    PlaybookRun.Finished finished =
        PlaybookRun.run(
            runner,
            PlaybookInvocation.onHost(t, dir, "prepare", Playbooks.fixed(dir, "prepare.yml"))
                .vars(ambleVars)
                .timeout(PREPARE_TIMEOUT)
                .hostState(true)
                .build());
    RunResult run = finished.result(t.host());
    if (!run.ok()) {
      return new Preparation(run, List.of(), RemoteState.NONE);
    }
    Optional<PlaybookRun.HostState> state = finished.hostState(t.host());
    if (state.isEmpty()) {
      return new Preparation(
          new RunResult(
              RunStatus.FAILED,
              "",
              "",
              "the host's facts did not come back from gathering them: is amble's callback"
                  + " plugin disabled (callbacks_enabled in ansible.cfg)?",
              0,
              run.log()),
          List.of(),
          RemoteState.NONE);
    }
    JsonNode facts = state.get().facts();
    JsonNode vars = state.get().vars();
    Map<String, Object> factValues = CelValues.map(facts);
    Map<String, Object> varValues = CelValues.map(vars);
    List<Verdict> verdicts = new ArrayList<>();
    for (JobPreconditions step : request.steps()) {
      verdicts.add(
          precondition(step)
              .evaluate(factValues, varValues, CelValues.map(step.options()))
              .without(state.get().vaulted()));
    }
    return new Preparation(run, verdicts, RemoteState.fromFacts(facts, t.project(), t.workspace()));
  }

  @Override
  public RunResult runJob(JobRequest request) {
    ContentFolders.Local here = here(request.target());
    HostTarget t = here.target(request.target());
    WorkspaceDir dir = here.dir(t.project(), t.workspace(), t.facts());
    Path playbook =
        Playbooks.job(
            Path.of(t.folder()),
            dir,
            t.workspace(),
            here.job(request.step().job()),
            request.finish().isPresent());
    Optional<Claim> walk = request.claim().or(request::finish);
    ObjectNode vars = request.step().options().deepCopy();
    vars.setAll(
        vars(
            t,
            walk.map(Claim::workflow).orElse(""),
            walk.map(Claim::rollout).orElse(""),
            request.claim()));
    String step =
        String.format(
                "%02d-%s",
                request.step().index() + 1, WorkspaceDir.fileName(request.step().job().name()))
            + (request.step().exit() ? "-exit" : "");
    Duration timeout = request.step().job().timeout();
    if (request.finish().isPresent()) {
      timeout = timeout.plus(PREPARE_TIMEOUT);
    }
    return claimRefused(
        PlaybookRun.run(
                runner,
                PlaybookInvocation.onHost(t, dir, step, playbook)
                    .vars(vars)
                    .dryRun(request.dryRun())
                    .timeout(timeout)
                    .become(
                        request.step().job().become()
                            || request.claim().isPresent()
                            || request.finish().isPresent())
                    .becomeByDefault(Playbooks.becomesByDefault(request.step().job()))
                    .build())
            .result(t.host()));
  }

  /** A run whose claim was refused ran nothing else: it says LOCKED, not FAILED. */
  static RunResult claimRefused(RunResult r) {
    if (r.status() != RunStatus.FAILED || !r.task().equals(Playbooks.REFUSE_LOCKED)) {
      return r;
    }
    return new RunResult(RunStatus.LOCKED, r.task(), r.module(), r.message(), r.changed(), r.log());
  }

  @Override
  public RunResult finishHost(FinishRequest request) {
    ContentFolders.Local here = here(request.target());
    HostTarget t = here.target(request.target());
    WorkspaceDir dir = here.dir(t.project(), t.workspace(), t.facts());
    return claimRefused(
        PlaybookRun.run(
                runner,
                PlaybookInvocation.onHost(t, dir, "finish", Playbooks.fixed(dir, "finish.yml"))
                    .vars(vars(t, request.workflow(), request.rollout(), request.claim()))
                    .timeout(PREPARE_TIMEOUT)
                    .become(true)
                    .build())
            .result(t.host()));
  }

  /** The variables amble gives every run; they come last, so options cannot override them. */
  ObjectNode vars(HostTarget t, String workflow, String rollout, Optional<Claim> claim) {
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.put("amble_operation", true);
    vars.put("amble_workspace", t.workspace());
    vars.put("amble_project", t.project());
    vars.put("amble_workflow", workflow);
    vars.put("amble_rollout", rollout);
    vars.put("amble_controller", controller);
    vars.put("amble_time", clock.instant().toString());
    vars.put("amble_claim", claim.isPresent());
    vars.put("amble_stomp_locks", claim.map(Claim::stompLocks).orElse(false));
    return vars;
  }

  private Precondition precondition(JobPreconditions step) {
    return compiled.computeIfAbsent(
        step.preconditions(), source -> Precondition.ofJob(step.job(), source));
  }
}
