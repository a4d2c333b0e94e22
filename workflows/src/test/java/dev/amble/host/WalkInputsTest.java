package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A step asked by reference is the request the walk would have sent in full, and nothing else: a
 * place the walk does not have, or a job name that is not the one at that place, is refused without
 * a retry (a worker of another build would read the same input the same way).
 */
class WalkInputsTest {
  static Definition definition() throws Exception {
    return AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch }
            workflows:
              patch:
                jobs: [ { job: drain }, { job: patch, options: { kernel: "6.1" } } ]
                exit_jobs: [ { job: uncordon } ]
            jobs:
              drain: { tasks: [ { ansible.builtin.ping: {} } ] }
              patch: { tasks: [ { ansible.builtin.ping: {} } ] }
              uncordon: { tasks: [ { ansible.builtin.ping: {} } ] }
            """)
        .definition("fleet");
  }

  static HostInput input(boolean dryRun, boolean stompLocks) throws Exception {
    return new HostInput(
        definition(),
        "h01",
        "rollout-1",
        dryRun,
        stompLocks,
        Duration.ofSeconds(30),
        false,
        1,
        true,
        true,
        "amble/default/fleet",
        true,
        true);
  }

  @Test
  void aStepIsTheRequestTheWalkWouldHaveSent() throws Exception {
    Definition d = definition();
    HostInput in = input(false, true);
    assertEquals(
        new JobRequest(
            WalkInputs.target(d, "h01"),
            d.steps().get(1),
            false,
            Optional.of(new Claim("patch", "rollout-1", true)),
            Optional.empty()),
        WalkInputs.jobRequest(in, new StepRequest("patch", 1, false, true, false)));
    assertEquals("6.1", d.steps().get(1).options().path("kernel").asText());
    assertEquals(
        new JobRequest(
            WalkInputs.target(d, "h01"),
            d.exitSteps().get(0),
            false,
            Optional.empty(),
            Optional.of(new Claim("patch", "rollout-1", false))),
        WalkInputs.jobRequest(in, new StepRequest("uncordon", 0, true, false, true)));
  }

  @Test
  void aDryRunsStepIsADryRun() throws Exception {
    JobRequest r =
        WalkInputs.jobRequest(input(true, false), new StepRequest("drain", 0, false, false, false));
    assertTrue(r.dryRun());
    assertEquals(Optional.empty(), r.claim());
  }

  @Test
  void aPlaceTheWalkDoesNotHaveOrAnotherJobsNameIsRefused() throws Exception {
    HostInput in = input(false, false);
    for (StepRequest wrong :
        new StepRequest[] {
          new StepRequest("patch", 2, false, true, false),
          new StepRequest("patch", -1, false, true, false),
          new StepRequest("uncordon", 1, true, false, false),
          new StepRequest("drain", 1, false, true, false),
          new StepRequest("patch", 0, true, false, false)
        }) {
      ApplicationFailure refused =
          assertThrows(ApplicationFailure.class, () -> WalkInputs.jobRequest(in, wrong));
      assertTrue(refused.isNonRetryable(), wrong.toString());
      assertTrue(refused.getOriginalMessage().contains("h01"), refused.getOriginalMessage());
    }
  }
}
