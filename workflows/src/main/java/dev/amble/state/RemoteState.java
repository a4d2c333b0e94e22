package dev.amble.state;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.amblefile.Amblefile;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a host says about amble, read from its Ansible local facts: the workflow a workspace started
 * and finished there ({@code amble_state.fact}), and who holds its lock ({@code amble_lock.fact}).
 * Both files live in the host's state folder, by default {@code /etc/ansible/facts.d}, or the
 * folder named by the inventory var {@code amble_state_dir}. A project's workspace is named in both
 * by its {@link #key}: the bare workspace name for project {@value Amblefile#DEFAULT_PROJECT} (as
 * amble wrote every name before projects reached the hosts), {@code PROJECT/WORKSPACE} otherwise.
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
    /**
     * Never succeeded, or succeeded before it last began. The times are compared as instants (ISO
     * text compares wrongly across fractions and offsets: {@code 10:00:00Z} sorts after {@code
     * 10:00:00.5Z}); a time that does not parse leaves the record unfinished.
     */
    public boolean unfinished() {
      if (succeeded.isEmpty()) {
        return true;
      }
      Optional<OffsetDateTime> began = instant(started);
      Optional<OffsetDateTime> ended = instant(succeeded.get());
      return began.isEmpty() || ended.isEmpty() || ended.get().isBefore(began.get());
    }

    private static Optional<OffsetDateTime> instant(String iso) {
      try {
        return Optional.of(OffsetDateTime.parse(iso));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Who holds the host: a project's workspace's rollout on a controller, since a time.
   *
   * @param project {@value Amblefile#DEFAULT_PROJECT} for a lock that names no project (every lock
   *     written before projects reached the hosts)
   */
  public record Lock(
      String workspace, String rollout, String controller, String since, String project) {
    public Lock {
      project = project == null ? Amblefile.DEFAULT_PROJECT : project;
    }

    /** The lock of project default's workspace. */
    public Lock(String workspace, String rollout, String controller, String since) {
      this(workspace, rollout, controller, since, Amblefile.DEFAULT_PROJECT);
    }

    /** The holder as the lock names it: {@code WORKSPACE} or {@code PROJECT/WORKSPACE}. */
    public String holder() {
      return key(project, workspace);
    }

    public boolean heldBy(String project, String workspace) {
      return this.project.equals(project) && this.workspace.equals(workspace);
    }
  }

  /**
   * How the host's lock and records name a project's workspace: {@code WORKSPACE} for project
   * {@value Amblefile#DEFAULT_PROJECT}, {@code PROJECT/WORKSPACE} otherwise (neither name may hold
   * a {@code /}).
   */
  public static String key(String project, String workspace) {
    return project.equals(Amblefile.DEFAULT_PROJECT) ? workspace : project + "/" + workspace;
  }

  /** The state of project default's workspace. */
  public static RemoteState fromFacts(JsonNode facts, String workspace) {
    return fromFacts(facts, Amblefile.DEFAULT_PROJECT, workspace);
  }

  /** The state as found in a host's facts (the keys {@code ansible_local.amble_*}). */
  public static RemoteState fromFacts(JsonNode facts, String project, String workspace) {
    JsonNode local = facts.path("ansible_local");
    JsonNode record = local.path(STATE_FACT).path("workspaces").path(key(project, workspace));
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
      String holder = lock.path("workspace").asText();
      int slash = holder.indexOf('/');
      held =
          Optional.of(
              new Lock(
                  slash < 0 ? holder : holder.substring(slash + 1),
                  lock.path("rollout").asText(""),
                  lock.path("controller").asText(""),
                  lock.path("since").asText(""),
                  slash < 0 ? Amblefile.DEFAULT_PROJECT : holder.substring(0, slash)));
    }
    return new RemoteState(mine, held);
  }

  /** The host started this workflow of this workspace and never finished it. */
  public boolean unfinished(String workflow) {
    return workspace.filter(w -> w.workflow().equals(workflow) && w.unfinished()).isPresent();
  }

  /** The lock, if another project's or workspace's rollout holds it. */
  public Optional<Lock> lockedByOther(String project, String workspace) {
    return lock.filter(l -> !l.heldBy(project, workspace));
  }

  /**
   * The lock, if a workspace of another name holds it, whatever its project: how walks recorded
   * before locks named projects decided, kept so that their histories replay.
   */
  public Optional<Lock> lockedByOtherName(String workspace) {
    return lock.filter(l -> !l.workspace().equals(workspace));
  }
}
