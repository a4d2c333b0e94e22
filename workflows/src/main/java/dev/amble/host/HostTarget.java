package dev.amble.host;

import dev.amble.amblefile.Amblefile;
import dev.amble.content.ContentRef;
import dev.amble.facts.FactStore;
import java.util.Optional;

/**
 * One host of one workspace, as activities need to reach it.
 *
 * @param folder the Amblefile's folder: Ansible runs there, and the workspace's state lives in its
 *     {@code .amble/} (unless the worker keeps state elsewhere)
 * @param content the content the rollout was started with: a worker runs Ansible in its copy of it
 * @param facts the workspace's fact store
 * @param inventory the workspace's inventory source; empty for Ansible's configured default
 * @param project the workspace's project: with the workspace's name it keys the host's lock and its
 *     record on the host, and the worker's folder of the workspace; {@value
 *     Amblefile#DEFAULT_PROJECT} in targets recorded before projects reached the hosts
 */
public record HostTarget(
    String workspace,
    String folder,
    Optional<String> inventory,
    String host,
    Optional<ContentRef> content,
    FactStore facts,
    String project) {
  public HostTarget {
    content = content == null ? Optional.empty() : content;
    facts = facts == null ? new FactStore.Jsonfile() : facts;
    project = project == null ? Amblefile.DEFAULT_PROJECT : project;
  }

  /** A host of project default's workspace. */
  public HostTarget(
      String workspace,
      String folder,
      Optional<String> inventory,
      String host,
      Optional<ContentRef> content,
      FactStore facts) {
    this(workspace, folder, inventory, host, content, facts, Amblefile.DEFAULT_PROJECT);
  }

  /** A host of a rollout that runs in the Amblefile's folder itself (tests, local commands). */
  public HostTarget(String workspace, String folder, Optional<String> inventory, String host) {
    this(workspace, folder, inventory, host, Optional.empty(), new FactStore.Jsonfile());
  }
}
