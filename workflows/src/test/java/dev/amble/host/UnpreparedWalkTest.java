package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.machine.TransitionVisits;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Walks with nothing to prepare ({@link Preparation#needless}): no preparation, the first run
 * claims the host, and the claim finds what preparing would have found.
 */
@ExtendWith(TransitionVisits.class)
class UnpreparedWalkTest {
  static final String TASKS = "tasks: [ { ansible.builtin.ping: {} } ]";

  final List<String> runs = Collections.synchronizedList(new ArrayList<>());
  final List<JobRequest> requests = Collections.synchronizedList(new ArrayList<>());

  HostActivities activities(Function<JobRequest, RunResult> job) {
    return new HostActivities() {
      @Override
      public Preparation prepareHost(PrepareRequest r) {
        runs.add("prepare");
        return Preparation.assumed(r.steps().size());
      }

      @Override
      public RunResult runJob(JobRequest r) {
        runs.add(r.step().job().name());
        requests.add(r);
        return job.apply(r);
      }

      @Override
      public RunResult finishHost(FinishRequest r) {
        runs.add("finish");
        return HostStageTest.OK;
      }
    };
  }

  static Definition definition(String patch, String unreachable) throws AmblefileException {
    return AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch, unreachable: %s }
            workflows:
              patch:
                jobs: [ { job: patch } ]
                exit_jobs: [ { job: uncordon } ]
            jobs:
              patch: { %s }
              uncordon: { %s }
            """
                .formatted(unreachable, patch, TASKS))
        .definition("fleet");
  }

  static Definition plain() throws AmblefileException {
    return definition(TASKS, "fail");
  }

  HostOutcome walk(Function<JobRequest, RunResult> job) throws Exception {
    try (TestWorkflowEnvironment env = HostStageTest.env(activities(job))) {
      return HostStageTest.walk(env)
          .walk(
              new HostInput(
                  plain(),
                  "h01",
                  "amble/fleet",
                  false,
                  false,
                  Duration.ofSeconds(1),
                  false,
                  1,
                  false,
                  true,
                  "",
                  true,
                  true));
    }
  }

  @Test
  void theFirstRunClaimsTheHostAndTheLastFinishesIt() throws Exception {
    HostOutcome o = walk(r -> HostStageTest.OK);
    assertEquals(Outcome.SUCCEEDED, o.outcome());
    assertEquals(List.of("patch", "uncordon"), runs);
    assertTrue(requests.get(0).claim().isPresent());
    assertTrue(requests.get(1).finish().isPresent());
  }

  /** The claim is the walk's first contact: unreachable there, nothing ran, no exit job runs. */
  @Test
  void aHostThatDoesNotAnswerItsClaimEndsUnreachableUntouched() throws Exception {
    HostOutcome o =
        walk(
            r ->
                new RunResult(
                    RunStatus.UNREACHABLE, Claim.TASK, "amble_lock", "ssh: timeout", 0, "/c"));
    assertEquals(Outcome.UNREACHABLE, o.outcome());
    assertTrue(o.reason().contains("ssh: timeout"), o.reason());
    assertEquals(List.of("patch"), runs);
  }

  /** A claim that fails otherwise (no Python on the host) ran nothing either: no exit job. */
  @Test
  void aClaimThatFailsEndsTheWalkFailedWithNoExitJob() throws Exception {
    HostOutcome o =
        walk(
            r ->
                new RunResult(
                    RunStatus.FAILED, Claim.TASK, "amble_lock", "python3: not found", 0, "/c"));
    assertEquals(Outcome.FAILED, o.outcome());
    assertTrue(o.reason().contains("python3: not found"), o.reason());
    assertEquals(List.of("patch"), runs);
  }

  /** Another workspace's lock refuses the claim: locked, nothing ran, no exit job. */
  @Test
  void aClaimAnotherWorkspaceRefusesEndsTheWalkLocked() throws Exception {
    HostOutcome o =
        walk(
            r ->
                new RunResult(
                    RunStatus.LOCKED,
                    "amble: refuse a host locked by another workspace",
                    "ansible.builtin.fail",
                    "locked by workspace other since 2026-12-07T00:00:00Z (rollout r0)",
                    0,
                    "/c"));
    assertEquals(Outcome.LOCKED, o.outcome());
    assertEquals(List.of("patch"), runs);
  }

  /** Lost after its claim, the host has begun its jobs: a failure, and the exit jobs run. */
  @Test
  void aHostLostAfterItsClaimFailsAndItsExitJobsRun() throws Exception {
    HostOutcome o =
        walk(
            r ->
                r.step().exit()
                    ? HostStageTest.OK
                    : new RunResult(RunStatus.UNREACHABLE, "patch", "ping", "ssh: gone", 0, "/p"));
    assertEquals(Outcome.FAILED, o.outcome());
    assertEquals(List.of("patch", "uncordon"), runs);
  }

  @Test
  void onlyAWalkThatClaimsWithNoPreconditionAndNoRetryIsUnprepared() throws Exception {
    assertTrue(Preparation.needless(plain(), false));
    assertTrue(
        Preparation.needless(definition(TASKS + ", preconditions: ' true '", "skip"), false));
    assertFalse(Preparation.needless(plain(), true), "a dry run claims nothing");
    assertFalse(
        Preparation.needless(
            definition(TASKS + ", preconditions: 'facts.ansible_kernel != \"\"'", "fail"), false));
    assertFalse(
        Preparation.needless(
            definition(TASKS, "retry, unreachable_attempts: 2, unreachable_backoff: 1s"), false),
        "an unreachable host is tried again after preparing it again");
    assertFalse(
        Preparation.needless(
            definition(
                TASKS, "fail, pre_checks: { host: [ { name: up, http: 'http://{host}/' } ] }"),
            false),
        "a host's pre-checks run once it was found reachable and unlocked");
  }
}
