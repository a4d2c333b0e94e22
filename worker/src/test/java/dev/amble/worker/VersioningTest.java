package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.release.Release;
import io.temporal.api.deployment.v1.RoutingConfig;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo;
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
      assertEquals("unversioned", v.label());
      assertFalse(
          v.makeCurrentIfNone(
              env.getWorkflowServiceStubs(), env.getNamespace(), "test", Duration.ofSeconds(1)));
    }
  }

  /**
   * A real server refuses every workflow task that names a versioning behaviour from a worker with
   * no deployment ("versioning behavior cannot be specified without deployment options"): an
   * unversioned worker must register walks and rollouts that name none, a versioned one pinned
   * ones. (Temporal's test server accepts both, so the workflow tests cannot show it.)
   */
  @Test
  void anUnversionedWorkerRegistersNoPinnedWorkflowAndAVersionedOneTwo() throws Exception {
    Versioning on =
        new Versioning(
            java.util.Optional.of(new io.temporal.common.WorkerDeploymentVersion("amble", "b1")));
    assertEquals(
        Map.of("run", "PINNED", "walk", "PINNED"),
        behaviours(AmbleWorker.rolloutType(on), AmbleWorker.hostWalkType(on)));
    assertEquals(
        Map.of(),
        behaviours(
            AmbleWorker.rolloutType(Versioning.off()), AmbleWorker.hostWalkType(Versioning.off())));
  }

  /** The behaviour the SDK reads for each workflow method of {@code types}, by method name. */
  private static Map<String, String> behaviours(Class<?>... types) {
    Map<String, String> found = new java.util.TreeMap<>();
    for (Class<?> type : types) {
      var metadata = io.temporal.common.metadata.POJOWorkflowImplMetadata.newInstance(type);
      for (var method : metadata.getWorkflowMethods()) {
        var b =
            io.temporal.common.metadata.POJOWorkflowImplMetadata.getVersioningBehaviorForMethod(
                type, method);
        if (b != null) {
          found.put(method.getWorkflowMethod().getName(), b.name());
        }
      }
    }
    return found;
  }

  @Test
  void theBuildIsTheReleaseAndItsCommitUnlessTheEnvironmentNamesOne() {
    Release r = Release.current();
    assertEquals(
        r.version() + r.commit().map(c -> "+" + c).orElse(""), Versioning.buildId(Map.of()));
    assertEquals("mine-7", Versioning.buildId(Map.of(Versioning.BUILD_ID_ENV, " mine-7 ")));
  }

  @Test
  void theFirstWorkerMakesItsBuildCurrentOnlyWhenItIsTheDeploymentsOnlyBuild() {
    assertEquals(Versioning.FirstCurrent.NOT_LISTED_YET, first(deployment(), "b1"));
    assertEquals(Versioning.FirstCurrent.MAKE_CURRENT, first(deployment("b1"), "b1"));
    assertEquals(
        Versioning.FirstCurrent.NOT_OURS_TO_CHOOSE,
        first(deployment("b0", "b1"), "b1"),
        "another build is listed and none is current: an operator left it so");
    assertEquals(
        Versioning.FirstCurrent.NOT_OURS_TO_CHOOSE,
        first(
            deployment("b1").toBuilder()
                .setRoutingConfig(
                    RoutingConfig.newBuilder()
                        .setRampingDeploymentVersion(version("b2"))
                        .setRampingVersionPercentage(10))
                .build(),
            "b1"));
    WorkerDeploymentInfo current =
        deployment("b0", "b1").toBuilder()
            .setRoutingConfig(RoutingConfig.newBuilder().setCurrentDeploymentVersion(version("b0")))
            .build();
    assertEquals(Versioning.FirstCurrent.OTHER_CURRENT, first(current, "b1"));
    assertEquals(Versioning.FirstCurrent.CURRENT, first(current, "b0"));
  }

  private static Versioning.FirstCurrent first(WorkerDeploymentInfo d, String build) {
    return Versioning.firstCurrent(d, build);
  }

  private static io.temporal.api.deployment.v1.WorkerDeploymentVersion version(String build) {
    return io.temporal.api.deployment.v1.WorkerDeploymentVersion.newBuilder()
        .setDeploymentName("amble")
        .setBuildId(build)
        .build();
  }

  private static WorkerDeploymentInfo deployment(String... builds) {
    WorkerDeploymentInfo.Builder d = WorkerDeploymentInfo.newBuilder().setName("amble");
    for (String b : builds) {
      d.addVersionSummaries(
          WorkerDeploymentInfo.WorkerDeploymentVersionSummary.newBuilder()
              .setDeploymentVersion(version(b)));
    }
    return d.build();
  }

  @Test
  void theDeploymentIsNamedAfterTheTaskQueueWithoutTheCharactersItMayNotHold() {
    assertEquals("amble", Versioning.deploymentName("amble"));
    assertEquals("fleet-a-b", Versioning.deploymentName("fleet.a:b"));
  }
}
