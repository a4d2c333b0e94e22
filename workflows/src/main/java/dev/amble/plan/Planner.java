package dev.amble.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.amblefile.Definition;
import dev.amble.precondition.CelValues;
import dev.amble.precondition.Precondition;
import dev.amble.precondition.PreconditionException;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, from a host's facts and inventory vars, whether a workspace's workflow would walk it.
 * Pure: no I/O, the same answer for the same data; used offline by {@code amble plan} over cached
 * facts, and live by the host workflow over fresh ones.
 */
public final class Planner {
  private final Definition definition;
  private final List<Compiled> steps;

  private record Compiled(Definition.Step step, Precondition precondition, Map<String, Object> options) {}

  public Planner(Definition definition) {
    this.definition = definition;
    List<Compiled> compiled = new ArrayList<>();
    for (Definition.Step step : definition.steps()) {
      compiled.add(compile(step));
    }
    this.steps = List.copyOf(compiled);
  }

  /** Compiles the precondition of a step; the Amblefile was validated, so it compiles. */
  static Compiled compile(Definition.Step step) {
    try {
      return new Compiled(
          step, Precondition.compile(step.job().preconditions()), CelValues.map(step.options()));
    } catch (PreconditionException e) {
      throw new IllegalArgumentException(
          "job " + step.job().name() + ": preconditions do not compile: " + e.getMessage(), e);
    }
  }

  /**
   * @param facts the host's facts, as Ansible's setup module gives them; empty when none are known
   * @param vars the host's inventory vars
   */
  public HostPlan plan(String host, Optional<JsonNode> facts, JsonNode vars) {
    if (facts.isEmpty()) {
      return new HostPlan(host, Decision.UNKNOWN, "no cached facts (amble init gathers them)", "");
    }
    RemoteState state = RemoteState.fromFacts(facts.get(), definition.workspace().name());
    String note =
        state
            .lockedByOther(definition.workspace().name())
            .map(l -> "locked by workspace " + l.workspace() + " since " + l.since())
            .orElse("");
    if (definition.workflow().alwaysRetryFailedHosts()
        && state.unfinished(definition.workflow().name())) {
      return new HostPlan(
          host,
          Decision.RETRY,
          "started " + state.workspace().get().started() + " and never finished",
          note);
    }
    Map<String, Object> factValues = CelValues.map(facts.get());
    Map<String, Object> varValues = CelValues.map(vars);
    Optional<String> skip = firstFalse(factValues, varValues);
    return skip.map(reason -> new HostPlan(host, Decision.SKIP, reason, note))
        .orElseGet(() -> new HostPlan(host, Decision.WALK, "", note));
  }

  /** The first job whose precondition is false, with the reason; empty when all hold. */
  Optional<String> firstFalse(Map<String, Object> facts, Map<String, Object> vars) {
    for (Compiled c : steps) {
      Verdict v = c.precondition().evaluate(facts, vars, c.options());
      if (!v.holds()) {
        return Optional.of("job " + c.step().job().name() + ": " + v.reason());
      }
    }
    return Optional.empty();
  }
}
