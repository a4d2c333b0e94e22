package dev.amble.worker;

import dev.amble.release.Release;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.deployment.v1.RoutingConfig;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentResponse;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.common.VersioningBehavior;
import io.temporal.common.WorkerDeploymentVersion;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerDeploymentOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Worker Versioning (Temporal's Worker Deployments): a versioned worker declares the deployment
 * named after its task queue and its build; host walks stay on the build they started on, and a
 * rollout moves to the current build when it continues as new. Where the server has no deployments
 * (the embedded tier's test server), workers run unversioned.
 *
 * @param version the deployment version this worker polls as; empty for an unversioned worker
 */
public record Versioning(Optional<WorkerDeploymentVersion> version) {
  /** Overrides the build ID taken from the release, for a build amble's version does not name. */
  public static final String BUILD_ID_ENV = "AMBLE_BUILD_ID";

  /** A worker that polls unversioned: the embedded tier, and the workflow unit tests. */
  public static Versioning off() {
    return new Versioning(Optional.empty());
  }

  /**
   * The deployment of the workers of {@code taskQueue}: the queue's name, with the characters a
   * deployment name may not hold replaced.
   */
  public static String deploymentName(String taskQueue) {
    return taskQueue.replace('.', '-').replace(':', '-');
  }

  /** This build's ID: {@link #BUILD_ID_ENV} if set, else the release with its commit. */
  public static String buildId(Map<String, String> env) {
    String given = env.getOrDefault(BUILD_ID_ENV, "").strip();
    if (!given.isEmpty()) {
      return given;
    }
    Release release = Release.current();
    return release.version() + release.commit().map(c -> "+" + c).orElse("");
  }

  /**
   * Versioned as {@code buildId} in the deployment of {@code taskQueue} if the server at {@code
   * stubs} has deployments, else {@link #off()}.
   */
  public static Versioning forServer(
      WorkflowServiceStubs stubs, String namespace, String taskQueue, String buildId) {
    try {
      describe(stubs, namespace, deploymentName(taskQueue));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return off();
      }
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    return new Versioning(
        Optional.of(new WorkerDeploymentVersion(deploymentName(taskQueue), buildId)));
  }

  /** {@code options} with this worker's deployment, if versioned. */
  WorkerOptions.Builder apply(WorkerOptions.Builder options) {
    version.ifPresent(
        v ->
            options.setDeploymentOptions(
                WorkerDeploymentOptions.newBuilder()
                    .setVersion(v)
                    .setUseVersioning(true)
                    // Host walks and rollouts say PINNED on their methods; the short or
                    // marker-kept workflows (pages, content, notifier, launchers) move.
                    .setDefaultVersioningBehavior(VersioningBehavior.AUTO_UPGRADE)
                    .build()));
    return options;
  }

  /** "build B of deployment D", or "unversioned". */
  public String describe() {
    return version
        .map(v -> "build " + v.getBuildId() + " of deployment " + v.getDeploymentName())
        .orElse("unversioned");
  }

  /**
   * Makes this worker's build the deployment's current version if it has none yet, so that a fresh
   * server and a first worker just work. Never replaces a current version: moving to a new one is
   * the operator's step ({@code amble versions current}). Waits until the server has seen this
   * worker poll, up to {@code within}.
   *
   * @return whether this build is current when it returns
   */
  public boolean makeCurrentIfNone(
      WorkflowServiceStubs stubs, String namespace, String identity, Duration within)
      throws InterruptedException {
    if (version.isEmpty()) {
      return false;
    }
    WorkerDeploymentVersion v = version.get();
    long deadline = System.nanoTime() + within.toNanos();
    StatusRuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        DescribeWorkerDeploymentResponse found = describe(stubs, namespace, v.getDeploymentName());
        Optional<String> current = current(found.getWorkerDeploymentInfo());
        if (current.isPresent()) {
          return current.get().equals(v.getBuildId());
        }
        boolean known =
            found.getWorkerDeploymentInfo().getVersionSummariesList().stream()
                .anyMatch(s -> s.getDeploymentVersion().getBuildId().equals(v.getBuildId()));
        if (known) {
          stubs
              .blockingStub()
              .setWorkerDeploymentCurrentVersion(
                  SetWorkerDeploymentCurrentVersionRequest.newBuilder()
                      .setNamespace(namespace)
                      .setDeploymentName(v.getDeploymentName())
                      .setBuildId(v.getBuildId())
                      .setConflictToken(found.getConflictToken())
                      .setIdentity(identity)
                      .build());
          LoggerFactory.getLogger(Versioning.class)
              .info("made {} current: the deployment had no current version", describe());
          return true;
        }
      } catch (StatusRuntimeException e) {
        // NOT_FOUND until the server has seen the first poll; a lost race on the conflict token
        // (another first worker) is read again.
        last = e;
      }
      Thread.sleep(200);
    }
    LoggerFactory.getLogger(Versioning.class)
        .warn("could not tell whether {} has a current version", describe(), last);
    return false;
  }

  /** The build ID of {@code deployment}'s current version, if it has one. */
  public static Optional<String> current(WorkerDeploymentInfo deployment) {
    RoutingConfig routing = deployment.getRoutingConfig();
    return routing.hasCurrentDeploymentVersion()
        ? Optional.of(routing.getCurrentDeploymentVersion().getBuildId())
        : Optional.empty();
  }

  static DescribeWorkerDeploymentResponse describe(
      WorkflowServiceStubs stubs, String namespace, String deployment) {
    return stubs
        .blockingStub()
        .describeWorkerDeployment(
            DescribeWorkerDeploymentRequest.newBuilder()
                .setNamespace(namespace)
                .setDeploymentName(deployment)
                .build());
  }
}
