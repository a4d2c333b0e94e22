package dev.amble.health;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.HealthCheck;
import dev.amble.content.ContentRef;
import java.util.Optional;

/**
 * Run a health check for a workspace.
 *
 * @param host the host being walked, for host checks ({@code amble_host}, {@code {host}})
 * @param wave the current wave, 0 before the first ({@code amble_wave}, {@code {wave}})
 * @param dryRun the rollout is a dry run ({@code amble check}): Ansible tasks run with --check
 * @param content the content the rollout runs (see HostTarget)
 * @param project the workspace's project (the worker's folder of the workspace); {@value
 *     Amblefile#DEFAULT_PROJECT} in requests recorded before it was passed
 */
public record HealthCheckRequest(
    @JsonAlias("gate") HealthCheck healthCheck,
    String workspace,
    String folder,
    Optional<String> inventory,
    Optional<String> host,
    int wave,
    boolean dryRun,
    Optional<ContentRef> content,
    String project) {
  public HealthCheckRequest {
    content = content == null ? Optional.empty() : content;
    project = project == null ? Amblefile.DEFAULT_PROJECT : project;
  }

  /** A check run in the Amblefile's folder itself. */
  public HealthCheckRequest(
      HealthCheck healthCheck,
      String workspace,
      String folder,
      Optional<String> inventory,
      Optional<String> host,
      int wave,
      boolean dryRun) {
    this(
        healthCheck,
        workspace,
        folder,
        inventory,
        host,
        wave,
        dryRun,
        Optional.empty(),
        Amblefile.DEFAULT_PROJECT);
  }
}
