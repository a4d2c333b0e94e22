package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a host workflow does on the happy path, called directly: prepare, every job (the first
 * claiming the host), the exit jobs, the last of them finishing the host. Returns every activity
 * input and output, in order.
 */
final class WalkOneHost {
  private WalkOneHost() {}

  static List<Object> walk(HostActivities activities, Definition d, String host, String rollout) {
    return walk(activities, d, host, rollout, true);
  }

  /** The same; without the preparation unless {@code prepare} (a walk with nothing to prepare). */
  static List<Object> walk(
      HostActivities activities, Definition d, String host, String rollout, boolean prepare) {
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
    if (prepare) {
      PrepareRequest request = new PrepareRequest(t, d.workflow().name(), checks);
      Preparation p = activities.prepareHost(request);
      seen.add(request);
      seen.add(p);
      assertTrue(p.run().ok(), p.toString());
    }
    List<Definition.Step> steps = new ArrayList<>(d.steps());
    steps.addAll(d.exitSteps());
    Claim claim = new Claim(d.workflow().name(), rollout, false);
    for (int i = 0; i < steps.size(); i++) {
      Definition.Step step = steps.get(i);
      JobRequest job =
          new JobRequest(
              t,
              step,
              false,
              i == 0 ? Optional.of(claim) : Optional.empty(),
              i == steps.size() - 1 ? Optional.of(claim) : Optional.empty());
      RunResult r = activities.runJob(job);
      seen.add(job);
      seen.add(r);
      assertTrue(r.ok(), step.job().name() + ": " + r);
    }
    return seen;
  }
}
