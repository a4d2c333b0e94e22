package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a host workflow does on the happy path, called directly: prepare, every job (the first
 * claiming the host), the exit jobs, finish. Returns every activity input and output, in order.
 */
final class WalkOneHost {
  private WalkOneHost() {}

  static List<Object> walk(HostActivities activities, Definition d, String host, String rollout) {
    List<Object> seen = new ArrayList<>();
    HostTarget t =
        new HostTarget(d.workspace().name(), d.folder(), d.workspace().inventory(), host);
    List<JobPreconditions> checks = new ArrayList<>();
    d.steps()
        .forEach(
            s ->
                checks.add(
                    new JobPreconditions(s.job().name(), s.job().preconditions(), s.options())));
    d.exitSteps()
        .forEach(
            s ->
                checks.add(
                    new JobPreconditions(s.job().name(), s.job().preconditions(), s.options())));
    PrepareRequest prepare = new PrepareRequest(t, d.workflow().name(), checks);
    Preparation p = activities.prepareHost(prepare);
    seen.add(prepare);
    seen.add(p);
    assertTrue(p.run().ok(), p.toString());
    List<Definition.Step> steps = new ArrayList<>(d.steps());
    steps.addAll(d.exitSteps());
    for (Definition.Step step : steps) {
      JobRequest job =
          new JobRequest(
              t,
              step,
              false,
              step.index() == 0 && !step.exit()
                  ? Optional.of(new Claim(d.workflow().name(), rollout, false))
                  : Optional.empty());
      RunResult r = activities.runJob(job);
      seen.add(job);
      seen.add(r);
      assertTrue(r.ok(), step.job().name() + ": " + r);
    }
    FinishRequest finish = new FinishRequest(t, d.workflow().name(), rollout, Optional.empty());
    RunResult f = activities.finishHost(finish);
    seen.add(finish);
    seen.add(f);
    assertTrue(f.ok(), f.toString());
    return seen;
  }
}
