package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.release.Release;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker's build, and the embedded tier: Temporal's test server has no worker deployments, so a
 * worker that reaches it polls unversioned (and makes nothing current) instead of failing.
 */
class VersioningTest {
  @Test
  void theTestServerRunsWorkersUnversioned() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Versioning v =
          Versioning.forServer(env.getWorkflowServiceStubs(), env.getNamespace(), "amble", "b1");
      assertTrue(v.version().isEmpty(), v.toString());
      assertEquals("unversioned", v.describe());
      assertFalse(
          v.makeCurrentIfNone(
              env.getWorkflowServiceStubs(), env.getNamespace(), "test", Duration.ofSeconds(1)));
    }
  }

  @Test
  void theBuildIsTheReleaseAndItsCommitUnlessTheEnvironmentNamesOne() {
    Release r = Release.current();
    assertEquals(
        r.version() + r.commit().map(c -> "+" + c).orElse(""), Versioning.buildId(Map.of()));
    assertEquals("mine-7", Versioning.buildId(Map.of(Versioning.BUILD_ID_ENV, " mine-7 ")));
  }

  @Test
  void theDeploymentIsNamedAfterTheTaskQueueWithoutTheCharactersItMayNotHold() {
    assertEquals("amble", Versioning.deploymentName("amble"));
    assertEquals("fleet-a-b", Versioning.deploymentName("fleet.a:b"));
  }
}
