package dev.amble.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * What a host says about amble, read from its Ansible local facts: the workflow a workspace started
 * and finished there ({@code amble_state.fact}), and who holds its lock ({@code amble_lock.fact}).
 * Both files live in the host's state folder, by default {@code /etc/ansible/facts.d}, or the
 * folder named by the inventory var {@code amble_state_dir}.
 */
public record RemoteState(Optional<WorkspaceRecord> workspace, Optional<Lock> lock) {
  public static final String STATE_FACT = "amble_state";
  public static final String LOCK_FACT = "amble_lock";
  public static final String STATE_DIR_VAR = "amble_state_dir";
  public static final String DEFAULT_STATE_DIR = "/etc/ansible/facts.d";

  public static final RemoteState NONE = new RemoteState(Optional.empty(), Optional.empty());

  /**
   * A workspace's record on the host.
   *
   * @param started when the workflow last began on the host (ISO-8601)
   * @param succeeded when it last finished there, if it did after it last began
   */
  public record WorkspaceRecord(
      String workflow, String rollout, String started, Optional<String> succeeded) {
    public boolean unfinished() {
      return succeeded.isEmpty() || succeeded.get().compareTo(started) < 0;
    }
  }

  /** Who holds the host: a workspace's rollout on a controller, since a time. */
  public record Lock(String workspace, String rollout, String controller, String since) {}

  /** The state as found in a host's facts (the keys {@code ansible_local.amble_*}). */
  public static RemoteState fromFacts(JsonNode facts, String workspace) {
    JsonNode local = facts.path("ansible_local");
    JsonNode record = local.path(STATE_FACT).path("workspaces").path(workspace);
    Optional<WorkspaceRecord> mine = Optional.empty();
    if (record.isObject() && record.hasNonNull("started")) {
      mine =
          Optional.of(
              new WorkspaceRecord(
                  record.path("workflow").asText(""),
                  record.path("rollout").asText(""),
                  record.path("started").asText(),
                  Optional.ofNullable(record.get("succeeded"))
                      .filter(JsonNode::isTextual)
                      .map(JsonNode::asText)));
    }
    JsonNode lock = local.path(LOCK_FACT);
    Optional<Lock> held = Optional.empty();
    if (lock.isObject() && lock.hasNonNull("workspace")) {
      held =
          Optional.of(
              new Lock(
                  lock.path("workspace").asText(),
                  lock.path("rollout").asText(""),
                  lock.path("controller").asText(""),
                  lock.path("since").asText("")));
    }
    return new RemoteState(mine, held);
  }

  /** The host started this workflow of this workspace and never finished it. */
  public boolean unfinished(String workflow) {
    return workspace.filter(w -> w.workflow().equals(workflow) && w.unfinished()).isPresent();
  }

  /** The lock, if another workspace holds it. */
  public Optional<Lock> lockedByOther(String workspace) {
    return lock.filter(l -> !l.workspace().equals(workspace));
  }
}
