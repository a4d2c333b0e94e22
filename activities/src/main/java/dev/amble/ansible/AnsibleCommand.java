package dev.amble.ansible;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of an Ansible program. Host names, vars and options are never among {@code args}: they
 * travel in files (a limit file, an extra-vars file) that the args name.
 *
 * @param program {@code ansible-playbook}, {@code ansible-inventory}, ...
 * @param environment variables amble sets on top of the ones passed through from the worker
 * @param log where stdout and stderr go
 * @param events where amble's callback plugin writes its JSON lines, if it is enabled
 * @param executor how the run uses the executor of its configuration (AnsibleExecutors)
 */
public record AnsibleCommand(
    String program,
    List<String> args,
    Path workingDirectory,
    Map<String, String> environment,
    Path log,
    Optional<Path> events,
    Duration timeout,
    ExecutorUse executor) {

  /**
   * How a run uses the long-lived executor of its configuration, when the worker has executors on.
   */
  public enum ExecutorUse {
    /**
     * Forks from the executor when it is ready; the configuration's first run starts it and does
     * not wait for it (a configuration run once costs what it did without executors).
     */
    WHEN_READY,
    /**
     * Waits for the executor, starting it if need be: runs of the same configuration follow for
     * certain (the syntax check before a rollout's walks), so the start-up is paid once, not twice.
     */
    AWAIT,
    /**
     * Forks from the executor only if one is ready, and never starts one: a configuration that few
     * runs use (listing the inventory without the fact cache, once per plan) would keep an idle
     * executor that cost more to warm than the runs it serves.
     */
    IF_RUNNING
  }

  /** This run with {@code env} as its environment. */
  AnsibleCommand withEnvironment(Map<String, String> env) {
    return new AnsibleCommand(program, args, workingDirectory, env, log, events, timeout, executor);
  }

  /** This run, using the executor as {@code use} says. */
  AnsibleCommand withExecutor(ExecutorUse use) {
    return new AnsibleCommand(
        program, args, workingDirectory, environment, log, events, timeout, use);
  }
}
