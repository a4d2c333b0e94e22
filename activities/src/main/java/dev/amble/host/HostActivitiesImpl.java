package dev.amble.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.ansible.FactCache;
import dev.amble.ansible.HostVars;
import dev.amble.ansible.PlaybookInvocation;
import dev.amble.ansible.PlaybookRun;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
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
  private final Map<String, Precondition> compiled = new ConcurrentHashMap<>();

  /**
   * @param controller who takes locks: written into the host's lock, e.g. worker@machine
   */
  public HostActivitiesImpl(ProcessRunner runner, String controller, Clock clock) {
    this.runner = runner;
    this.controller = controller;
    this.clock = clock;
  }

  @Override
  public Preparation prepareHost(PrepareRequest request) {
    HostTarget t = request.target();
    WorkspaceDir dir = dir(t);
    RunResult run =
        PlaybookRun.run(
                runner,
                PlaybookInvocation.onHost(t, "prepare", Playbooks.fixed(dir, "prepare.yml"))
                    .vars(vars(t, request.workflow(), "", Optional.empty()))
                    .timeout(PREPARE_TIMEOUT)
                    .build())
            .result(t.host());
    if (!run.ok()) {
      return new Preparation(run, List.of(), RemoteState.NONE);
    }
    Optional<JsonNode> facts = new FactCache(dir.facts()).read(t.host());
    if (facts.isEmpty()) {
      return new Preparation(
          new RunResult(
              RunStatus.FAILED,
              "",
              "",
              "no facts in the cache after gathering them: is a"
                  + " fact cache configured that overrides amble's?",
              0,
              run.log()),
          List.of(),
          RemoteState.NONE);
    }
    JsonNode vars = HostVars.read(runner, t);
    Map<String, Object> factValues = CelValues.map(facts.get());
    Map<String, Object> varValues = CelValues.map(vars);
    List<Verdict> verdicts = new ArrayList<>();
    for (JobPreconditions step : request.steps()) {
      verdicts.add(
          precondition(step).evaluate(factValues, varValues, CelValues.map(step.options())));
    }
    return new Preparation(run, verdicts, RemoteState.fromFacts(facts.get(), t.workspace()));
  }

  @Override
  public RunResult runJob(JobRequest request) {
    HostTarget t = request.target();
    WorkspaceDir dir = dir(t);
    Path playbook = Playbooks.job(Path.of(t.folder()), dir, t.workspace(), request.step().job());
    ObjectNode vars = request.step().options().deepCopy();
    vars.setAll(
        vars(
            t,
            request.claim().map(Claim::workflow).orElse(""),
            request.claim().map(Claim::rollout).orElse(""),
            request.claim()));
    String step =
        String.format(
                "%02d-%s",
                request.step().index() + 1, WorkspaceDir.fileName(request.step().job().name()))
            + (request.step().exit() ? "-exit" : "");
    return claimRefused(
        PlaybookRun.run(
                runner,
                PlaybookInvocation.onHost(t, step, playbook)
                    .vars(vars)
                    .dryRun(request.dryRun())
                    .timeout(request.step().job().timeout())
                    .become(request.step().job().become() || request.claim().isPresent())
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
    HostTarget t = request.target();
    return claimRefused(
        PlaybookRun.run(
                runner,
                PlaybookInvocation.onHost(t, "finish", Playbooks.fixed(dir(t), "finish.yml"))
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

  private static WorkspaceDir dir(HostTarget t) {
    return WorkspaceDir.of(Path.of(t.folder()), t.workspace());
  }
}
