package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A failure's parts, and the line people read, as the rollout's reason always said it. */
class HostFailureTest {
  @Test
  void aFailedTaskGivesItsStepTaskAndLine() {
    HostFailure f =
        HostFailure.of(
            "job upgrade",
            new RunResult(RunStatus.FAILED, "apt", "ansible.builtin.apt", "no space", 0, "log"));
    assertEquals("job upgrade", f.step());
    assertEquals("apt", f.task());
    assertEquals("job upgrade: task 'apt' (ansible.builtin.apt) failed: no space", f.text());
  }

  @Test
  void aWalkThatDidNotFailHasNone() {
    HostOutcome o = new HostOutcome("web01", Outcome.SUCCEEDED, "", "");
    assertEquals(HostFailure.NONE, o.failure());
    assertEquals("", HostFailure.NONE.text());
  }
}
