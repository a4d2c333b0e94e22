package dev.amble.worker;

import dev.amble.release.Release;
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
import java.util.List;
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

  /**
   * This build's ID: {@link #BUILD_ID_ENV} if set, else the release ({@code 0.1.0}), or for a
   * development build the version and its commit ({@code 0.2.0-SNAPSHOT+1a2b3c4d5e}).
   */
  public static String buildId(Map<String, String> env) {
    String given = env.getOrDefault(BUILD_ID_ENV, "").strip();
    if (!given.isEmpty()) {
      return given;
    }
    Release release = Release.current();
    // A release is its version; a development build differs from commit to commit.
    return release.development()
        ? release.version() + release.commit().map(c -> "+" + c).orElse("")
        : release.version();
  }

  /**
   * Versioned as {@code buildId} in the deployment of {@code taskQueue} if the server at {@code
   * stubs} has deployments, else {@link #off()}.
   */
  public static Versioning forServer(
      WorkflowServiceStubs stubs, String namespace, String taskQueue, String buildId)
      throws InterruptedException {
    Versioning on =
        new Versioning(
            Optional.of(new WorkerDeploymentVersion(deploymentName(taskQueue), buildId)));
    for (int attempt = 1; ; attempt++) {
      try {
        describe(stubs, namespace, deploymentName(taskQueue));
        return on;
      } catch (StatusRuntimeException e) {
        switch (e.getStatus().getCode()) {
          case NOT_FOUND:
            return on; // no worker of this deployment has polled yet
          case UNIMPLEMENTED:
            return off(); // Temporal's test server: the embedded tier
          case PERMISSION_DENIED:
          case FAILED_PRECONDITION:
            // Deployments turned off for the namespace, or this client may not read them.
            LoggerFactory.getLogger(Versioning.class)
                .warn(
                    "running unversioned: the server refused to describe deployment {}: {}",
                    deploymentName(taskQueue),
                    e.getStatus());
            return off();
          default:
            if (attempt >= 10) {
              throw e;
            }
            Thread.sleep(1000L * attempt); // UNAVAILABLE, RESOURCE_EXHAUSTED: a blip
        }
      }
    }
  }

  /**
   * Whether this worker's host walks and rollout runs are pinned. An unversioned worker registers
   * them without the pinned behaviour: a real server refuses every workflow task that names a
   * behaviour from a worker with no deployment.
   */
  boolean pinning() {
    return version.isPresent();
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
  public String label() {
    return version
        .map(v -> "build " + v.getBuildId() + " of deployment " + v.getDeploymentName())
        .orElse("unversioned");
  }

  /**
   * Makes this worker's build the deployment's current version if it has none yet, so that a fresh
   * server and a first worker just work: only while this build is the deployment's only one and
   * nothing ramps. Never replaces a current version, nor chooses among builds: that is the
   * operator's step ({@code amble versions --make-current}). Waits until the server has seen this
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
        switch (firstCurrent(found.getWorkerDeploymentInfo(), v.getBuildId())) {
          case CURRENT:
            return true;
          case OTHER_CURRENT:
            return false;
          case NOT_OURS_TO_CHOOSE:
            LoggerFactory.getLogger(Versioning.class)
                .warn(
                    "{} is not current, and the deployment has no current build but other builds"
                        + " or a ramp: `amble versions --make-current` chooses",
                    label());
            return false;
          case NOT_LISTED_YET:
            break;
          case MAKE_CURRENT:
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
                .info("made {} current: the deployment had no current version", label());
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
        .warn("could not tell whether {} has a current version", label(), last);
    return false;
  }

  /** What a worker of {@code build} finds in its deployment at start. */
  enum FirstCurrent {
    /** Its build is current. */
    CURRENT,
    /** Another build is current: moving is the operator's step. */
    OTHER_CURRENT,
    /** None is current, but other builds are listed, or one ramps: the operator chose that. */
    NOT_OURS_TO_CHOOSE,
    /** The server has not listed its build yet (it lists a build some time after its poll). */
    NOT_LISTED_YET,
    /** Its build is the deployment's only one, and nothing is current or ramping. */
    MAKE_CURRENT
  }

  static FirstCurrent firstCurrent(WorkerDeploymentInfo deployment, String build) {
    Optional<String> current = current(deployment);
    if (current.isPresent()) {
      return current.get().equals(build) ? FirstCurrent.CURRENT : FirstCurrent.OTHER_CURRENT;
    }
    List<String> builds =
        deployment.getVersionSummariesList().stream()
            .map(s -> s.getDeploymentVersion().getBuildId())
            .toList();
    if (ramping(deployment) || builds.stream().anyMatch(b -> !b.equals(build))) {
      return FirstCurrent.NOT_OURS_TO_CHOOSE;
    }
    return builds.isEmpty() ? FirstCurrent.NOT_LISTED_YET : FirstCurrent.MAKE_CURRENT;
  }

  private static boolean ramping(WorkerDeploymentInfo deployment) {
    return deployment.getRoutingConfig().hasRampingDeploymentVersion()
        || !deployment.getRoutingConfig().getRampingVersion().isEmpty();
  }

  /** The build ID of {@code deployment}'s current version, if it has one. */
  public static Optional<String> current(WorkerDeploymentInfo deployment) {
    RoutingConfig routing = deployment.getRoutingConfig();
    return routing.hasCurrentDeploymentVersion()
        ? Optional.of(routing.getCurrentDeploymentVersion().getBuildId())
        : Optional.empty();
  }

  /** The deployment as the server describes it (NOT_FOUND until a versioned worker polled). */
  public static DescribeWorkerDeploymentResponse describe(
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
