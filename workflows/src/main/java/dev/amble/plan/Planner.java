package dev.amble.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.amblefile.Definition;
import dev.amble.precondition.CelValues;
import dev.amble.precondition.Precondition;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Decides, from a host's facts and inventory vars, whether a workspace's workflow would walk it.
 * Pure: no I/O, the same answer for the same data; used offline by {@code amble plan} over cached
 * facts. The host workflow decides over fresh ones by the same rule ({@link #skipReason}), on the
 * verdicts of the same evaluator ({@link Precondition#evaluate}).
 */
public final class Planner {
  private final Definition definition;
  private final List<Compiled> steps;

  private record Compiled(
      Definition.Step step, Precondition precondition, Map<String, Object> options) {}

  public Planner(Definition definition) {
    this.definition = definition;
    List<Compiled> compiled = new ArrayList<>();
    for (Definition.Step step : definition.steps()) {
      compiled.add(compile(step));
    }
    this.steps = List.copyOf(compiled);
  }

  static Compiled compile(Definition.Step step) {
    return new Compiled(
        step,
        Precondition.ofJob(step.job().name(), step.job().preconditions()),
        CelValues.map(step.options()));
  }

  /**
   * @param facts the host's facts, as Ansible's setup module gives them; empty when none are known
   * @param vars the host's inventory vars
   */
  public HostPlan plan(String host, Optional<JsonNode> facts, JsonNode vars) {
    Placement place = Placement.of(definition.workspace().strategy(), vars);
    if (facts.isEmpty()) {
      return new HostPlan(
          host,
          Decision.UNKNOWN,
          "no cached facts (amble init gathers them)",
          "",
          place.tier(),
          place.domain());
    }
    RemoteState state =
        RemoteState.fromFacts(facts.get(), definition.project(), definition.workspace().name());
    String note =
        state
            .lockedByOther(definition.project(), definition.workspace().name())
            .map(l -> "locked by workspace " + l.holder() + " since " + l.since())
            .orElse("");
    if (definition.workflow().alwaysRetryFailedHosts()
        && state.unfinished(definition.workflow().name())) {
      return new HostPlan(
          host,
          Decision.RETRY,
          "started " + state.workspace().get().started() + " and never finished",
          note,
          place.tier(),
          place.domain());
    }
    Map<String, Object> factValues = CelValues.map(facts.get());
    Map<String, Object> varValues = CelValues.map(vars);
    Optional<String> skip = firstFalse(factValues, varValues);
    return skip.map(
            reason -> new HostPlan(host, Decision.SKIP, reason, note, place.tier(), place.domain()))
        .orElseGet(() -> new HostPlan(host, Decision.WALK, "", note, place.tier(), place.domain()));
  }

  /** The first job whose precondition is false, with the reason; empty when all hold. */
  Optional<String> firstFalse(Map<String, Object> facts, Map<String, Object> vars) {
    return skipReason(
        definition.steps(),
        i -> steps.get(i).precondition().evaluate(facts, vars, steps.get(i).options()));
  }

  /**
   * Why a host is skipped: the first of the jobs (not exit jobs) whose verdict fails, as "job NAME:
   * reason"; empty when every one holds. The plan and the host workflow decide by this one rule.
   *
   * @param verdict the verdict of the job at an index, asked in order, only until one fails
   */
  public static Optional<String> skipReason(
      List<Definition.Step> jobs, IntFunction<Verdict> verdict) {
    for (int i = 0; i < jobs.size(); i++) {
      Verdict v = verdict.apply(i);
      if (!v.holds()) {
        return Optional.of("job " + jobs.get(i).job().name() + ": " + v.reason());
      }
    }
    return Optional.empty();
  }
}
