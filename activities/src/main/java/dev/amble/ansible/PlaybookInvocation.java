package dev.amble.ansible;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.host.HostTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One ansible-playbook run of a workspace, whole: what {@link PlaybookRun#run} runs. Build one from
 * {@link #of} or {@link #onHost}, setting what differs from Ansible's defaults.
 *
 * @param folder the Amblefile's folder: Ansible runs there, so its ansible.cfg applies
 * @param playbook the playbook
 * @param inventory Ansible's {@code -i} source; empty for Ansible's configured default
 * @param limit the hosts the run is narrowed to
 * @param vars extra vars; they reach Ansible in a private file, never on the command line
 * @param dryRun a dry run: {@code --check --diff}, nothing changes on the hosts
 * @param forks hosts at once ({@code -f}); empty for Ansible's default
 * @param become whether the worker's become password (if any) goes with the run
 * @param logs the folder of the run's log and events files
 * @param step names the log files: {@code prepare}, {@code finish}, {@code NN-job}, ...
 * @param hostState the run gathers facts (prepare): keep each host's facts and inventory vars as
 *     they were then ({@link PlaybookRun.Finished#hostState})
 * @param becomeByDefault {@code --become}: plays and tasks that do not say {@code become} escalate
 *     (a {@code playbooks:} job's become: its playbooks cannot be given a play keyword)
 */
public record PlaybookInvocation(
    Path folder,
    WorkspaceDir dir,
    Path playbook,
    Optional<String> inventory,
    Limit limit,
    ObjectNode vars,
    boolean dryRun,
    OptionalInt forks,
    boolean become,
    Duration timeout,
    Path logs,
    String step,
    boolean hostState,
    boolean becomeByDefault) {
  /** The playbook over the hosts its plays name, logged with the workspace's runs. */
  public static Builder of(Path folder, String workspace, String step, Path playbook) {
    return new Builder(folder, WorkspaceDir.of(folder, workspace), step, playbook);
  }

  /** The playbook run in {@code folder}, with the workspace's state in {@code dir}. */
  public static Builder of(Path folder, WorkspaceDir dir, String step, Path playbook) {
    return new Builder(folder, dir, step, playbook);
  }

  /** The playbook on one host of the workspace, logged with that host's runs. */
  public static Builder onHost(HostTarget target, String step, Path playbook) {
    return onHost(
        target, WorkspaceDir.of(Path.of(target.folder()), target.workspace()), step, playbook);
  }

  /** The playbook on one host, with the workspace's state in {@code dir}. */
  public static Builder onHost(HostTarget target, WorkspaceDir dir, String step, Path playbook) {
    return of(Path.of(target.folder()), dir, step, playbook)
        .inventory(target.inventory())
        .limit(new Limit.Host(target.host()))
        .logs(dir.hostLogs(target.host()));
  }

  /** An invocation with Ansible's defaults, but for what is set. */
  public static final class Builder {
    private final Path folder;
    private final WorkspaceDir dir;
    private final String step;
    private final Path playbook;
    private Optional<String> inventory = Optional.empty();
    private Limit limit = Limit.NONE;
    private ObjectNode vars = JsonNodeFactory.instance.objectNode();
    private boolean dryRun;
    private OptionalInt forks = OptionalInt.empty();
    private boolean become;
    private Duration timeout = Duration.ofMinutes(10);
    private Path logs;
    private boolean hostState;
    private boolean becomeByDefault;

    private Builder(Path folder, WorkspaceDir dir, String step, Path playbook) {
      this.folder = folder;
      this.dir = dir;
      this.step = step;
      this.playbook = playbook;
      this.logs = dir.workspaceLogs();
    }

    public Builder inventory(Optional<String> inventory) {
      this.inventory = inventory;
      return this;
    }

    public Builder limit(Limit limit) {
      this.limit = limit;
      return this;
    }

    public Builder vars(ObjectNode vars) {
      this.vars = vars;
      return this;
    }

    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    public Builder forks(int forks) {
      this.forks = OptionalInt.of(forks);
      return this;
    }

    public Builder become(boolean become) {
      this.become = become;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder logs(Path logs) {
      this.logs = logs;
      return this;
    }

    public Builder hostState(boolean hostState) {
      this.hostState = hostState;
      return this;
    }

    public Builder becomeByDefault(boolean becomeByDefault) {
      this.becomeByDefault = becomeByDefault;
      return this;
    }

    public PlaybookInvocation build() {
      return new PlaybookInvocation(
          folder,
          dir,
          playbook,
          inventory,
          limit,
          vars,
          dryRun,
          forks,
          become,
          timeout,
          logs,
          step,
          hostState,
          becomeByDefault);
    }
  }
}
