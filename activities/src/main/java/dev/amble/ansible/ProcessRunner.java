package dev.amble.ansible;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Ansible programs through amble's launcher (see {@code amble_launch.py}): an argument array,
 * never a shell string; an environment built explicitly; output streamed to a log file; a timeout;
 * progress reported while it runs; and, when the caller is cancelled, the whole process tree ended.
 */
public final class ProcessRunner {
  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);

  /** Variables passed through from the worker's environment, besides every {@code ANSIBLE_*}. */
  static final List<String> PASSED_THROUGH =
      List.of("HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SSH_AUTH_SOCK");

  /**
   * Python's warning filter every Ansible process gets: it drops the one warning Ansible's own
   * imports print on every start, {@code CryptographyDeprecationWarning: DSA is deprecated} (from
   * {@code cryptography}, which {@code ansible._internal._ssh._ssh_agent} imports), which reads as
   * an error and is nothing the operator can act on. It names the warning by its message and by
   * {@code UserWarning}, of which {@code CryptographyDeprecationWarning} is a kind, not by the
   * class itself: Python imports a named class as it starts, which in an interpreter without {@code
   * cryptography} (a local module's) prints a complaint instead. Every other warning shows.
   */
  static final String PYTHON_WARNINGS = "ignore:DSA is deprecated:UserWarning";

  /** Called while the process runs; throwing from it cancels the run (the tree is ended). */
  public interface Progress {
    void report(String detail);

    Progress NONE = detail -> {};
  }

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
  private static final Duration STOP_GRACE = Duration.ofSeconds(4);

  private final AnsibleInstallation ansible;
  private final Optional<BecomePassword> becomePassword;
  private final Map<String, String> workerEnvironment;
  private final RunningProcesses running;
  private final Optional<VaultPassword> vaultPassword;

  public ProcessRunner(
      AnsibleInstallation ansible,
      Optional<BecomePassword> becomePassword,
      Map<String, String> workerEnvironment) {
    this(ansible, becomePassword, workerEnvironment, RunningProcesses.unreported());
  }

  /**
   * @param running counts this runner's Ansible processes while they run (a worker's gauge)
   */
  public ProcessRunner(
      AnsibleInstallation ansible,
      Optional<BecomePassword> becomePassword,
      Map<String, String> workerEnvironment,
      RunningProcesses running) {
    this(ansible, becomePassword, workerEnvironment, running, Optional.empty());
  }

  private ProcessRunner(
      AnsibleInstallation ansible,
      Optional<BecomePassword> becomePassword,
      Map<String, String> workerEnvironment,
      RunningProcesses running,
      Optional<VaultPassword> vaultPassword) {
    this.ansible = ansible;
    this.becomePassword = becomePassword;
    this.workerEnvironment = Map.copyOf(workerEnvironment);
    this.running = running;
    this.vaultPassword = vaultPassword;
  }

  /**
   * This runner, handing {@code vault} to every Ansible program it runs (on a pipe of its own, as
   * Ansible's {@code --vault-password-file}).
   */
  public ProcessRunner withVaultPassword(Optional<VaultPassword> vault) {
    return new ProcessRunner(ansible, becomePassword, workerEnvironment, running, vault);
  }

  /** The vault password this runner hands to Ansible, if any. */
  Optional<VaultPassword> vaultPassword() {
    return vaultPassword;
  }

  public AnsibleInstallation ansible() {
    return ansible;
  }

  /** The worker's (or CLI's) own environment, which amble's settings may read. */
  Map<String, String> workerEnvironment() {
    return workerEnvironment;
  }

  /** The environment an Ansible process gets: a short, explicit list, then amble's settings. */
  Map<String, String> environment(AnsibleCommand command, boolean withPassword) {
    return environment(command, withPassword, false);
  }

  private Map<String, String> environment(
      AnsibleCommand command, boolean withPassword, boolean withVault) {
    return environment(command, withPassword, withVault, Optional.empty());
  }

  private Map<String, String> environment(
      AnsibleCommand command,
      boolean withPassword,
      boolean withVault,
      Optional<Path> cachePasswordPython) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : PASSED_THROUGH) {
      Optional.ofNullable(workerEnvironment.get(name)).ifPresent(v -> env.put(name, v));
    }
    workerEnvironment.forEach(
        (k, v) -> {
          if (k.startsWith("ANSIBLE_")) {
            env.put(k, v);
          }
        });
    env.put("PATH", ansible.bin() + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
    env.putIfAbsent("LC_ALL", "C.UTF-8");
    env.put("PYTHONUNBUFFERED", "1");
    env.put("PYTHONWARNINGS", PYTHON_WARNINGS);
    env.putAll(command.environment());
    if (withPassword) {
      env.put("AMBLE_BECOME_PASSWORD_ON_STDIN", "1");
    }
    cachePasswordPython.ifPresent(
        python -> {
          // A flag only: the password follows the become password's line on the launcher's stdin.
          env.put("AMBLE_REDIS_PASSWORD_ON_STDIN", "1");
          env.put("AMBLE_ANSIBLE_PYTHON", python.toString());
        });
    if (withVault) {
      // A flag only: the password follows the become password on the launcher's stdin.
      env.put("AMBLE_VAULT_PASSWORD_ON_STDIN", "1");
    }
    return env;
  }

  /** Runs a command that does not escalate privileges (no become password is handed over). */
  public ProcessOutcome run(AnsibleCommand command, Progress progress) {
    return run(command, progress, false);
  }

  /** Runs a command; with {@code become}, the worker's become password (if any) goes with it. */
  public ProcessOutcome run(AnsibleCommand command, Progress progress, boolean become) {
    boolean withPassword = become && becomePassword.isPresent();
    // Ansible's own programs take it; amble's helpers (amble_facts.py) read no vars.
    boolean withVault =
        vaultPassword.isPresent() && AnsibleInstallation.PROGRAMS.contains(command.program());
    Optional<String> cachePassword =
        AnsibleInstallation.PROGRAMS.contains(command.program())
                && FactStoreSettings.usesRedis(command.environment())
            ? FactStoreSettings.password(workerEnvironment)
            : Optional.empty();
    // The interpreter of Ansible's entry script, which runs it with the password handed over in
    // Ansible's process; any other program (a wrapper) gets it in its environment, as before.
    Optional<Path> cachePasswordPython =
        cachePassword.flatMap(
            p ->
                AnsibleExecutors.interpreter(
                    ansible.program(command.program()),
                    ansible.bin() + ":/usr/local/bin:/usr/bin:/bin"));
    AnsibleCommand run =
        cachePassword.isPresent() && cachePasswordPython.isEmpty()
            ? command.withEnvironment(
                FactStoreSettings.withPassword(command.environment(), workerEnvironment))
            : command;
    CommandLine line = new CommandLine(ansible.python().toString());
    line.addArgument(ansible.launcher().toString(), false);
    line.addArgument(ansible.program(command.program()).toString(), false);
    command.args().forEach(a -> line.addArgument(a, false));

    AtomicReference<Process> process = new AtomicReference<>();
    DefaultExecutor executor = new CapturingExecutor(process);
    executor.setWorkingDirectory(command.workingDirectory().toFile());
    executor.setExitValues(null);

    Instant started = Instant.now();
    try {
      Files.createDirectories(command.log().getParent());
      try (OutputStream out =
          Files.newOutputStream(
              command.log(), StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        out.write(
            ("# amble: "
                    + started
                    + ": "
                    + command.program()
                    + " "
                    + String.join(" ", command.args())
                    + "\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream stdin =
            secrets(
                withPassword,
                cachePasswordPython.isPresent() ? cachePassword : Optional.empty(),
                withVault);
        WatchedOutput pumps = WatchedOutput.into(out, stdin);
        executor.setStreamHandler(pumps);
        DefaultExecuteResultHandler result = new DefaultExecuteResultHandler();
        try {
          running.started(() -> progress.report("waiting for an Ansible slot"), REPORT_EVERY);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AnsibleException("interrupted while waiting for an Ansible slot", e);
        }
        try {
          Map<String, String> env = environment(run, withPassword, withVault, cachePasswordPython);
          AnsibleExecutors.shared()
              .socketFor(
                  ansible,
                  command.program(),
                  command.workingDirectory(),
                  env,
                  workerEnvironment,
                  command.executor())
              .ifPresent(s -> env.put(AnsibleExecutors.SOCKET_VARIABLE, s.toString()));
          executor.execute(line, env, result);
          return await(command, progress, process, result, started, out, pumps);
        } finally {
          running.ended();
        }
      }
    } catch (IOException e) {
      throw new AnsibleException("could not run " + command.program() + ": " + e.getMessage(), e);
    }
  }

  /**
   * What the launcher reads on its stdin: the become password's line, the Redis password's line,
   * then the vault password up to the end; null when there is none.
   */
  private InputStream secrets(
      boolean withPassword, Optional<String> cachePassword, boolean withVault) {
    if (!withPassword && cachePassword.isEmpty() && !withVault) {
      return null;
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    if (withPassword) {
      bytes.writeBytes(becomePassword.get().line());
    }
    cachePassword.ifPresent(p -> bytes.writeBytes((p + "\n").getBytes(StandardCharsets.UTF_8)));
    if (withVault) {
      bytes.writeBytes(vaultPassword.get().bytes());
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }

  private ProcessOutcome await(
      AnsibleCommand command,
      Progress progress,
      AtomicReference<Process> process,
      DefaultExecuteResultHandler result,
      Instant started,
      OutputStream out,
      WatchedOutput pumps)
      throws IOException {
    Instant deadline = started.plus(command.timeout());
    Instant nextReport = Instant.EPOCH;
    while (!result.hasResult()) {
      try {
        result.waitFor(POLL);
      } catch (InterruptedException e) {
        endTree(process.get(), result);
        if (!WorkerStop.stopping()) {
          Thread.currentThread().interrupt();
        }
        // A stopping worker interrupts its runs to end them, and nothing else: the flag is not
        // kept, so that the activity's failure still reaches Temporal (a call from an interrupted
        // thread fails) and is retried at once, not after the heartbeat timeout.
        throw new AnsibleException(
            command.program()
                + (WorkerStop.stopping()
                    ? " stopped: the worker stopped before the run ended (its stop timeout passed);"
                        + " the run is retried on another worker"
                    : " interrupted"),
            e);
      }
      if (result.hasResult()) {
        break;
      }
      Optional<String> broken = broken(command, pumps, true);
      if (broken.isPresent()) {
        // Nobody reads the output any more: the run would block until its timeout.
        endTree(process.get(), result);
        throw new AnsibleException(broken.get());
      }
      Instant now = Instant.now();
      if (now.isAfter(deadline)) {
        endTree(process.get(), result);
        out.write(
            ("\n# amble: timed out after " + command.timeout() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        return new ProcessOutcome(-1, true, Duration.between(started, Instant.now()));
      }
      if (now.isAfter(nextReport)) {
        nextReport = now.plus(REPORT_EVERY);
        String detail =
            command.events().flatMap(AnsibleEvents::currentTask).orElse(command.program());
        try {
          progress.report(detail);
        } catch (RuntimeException cancelled) {
          endTree(process.get(), result);
          out.write(
              ("\n# amble: stopped: " + cancelled.getClass().getSimpleName() + "\n")
                  .getBytes(StandardCharsets.UTF_8));
          throw cancelled;
        }
      }
    }
    if (result.getException() != null
        && result.getExitValue() == org.apache.commons.exec.Executor.INVALID_EXITVALUE) {
      throw new AnsibleException(
          "could not run " + command.program() + ": " + result.getException().getMessage(),
          result.getException());
    }
    Optional<String> broken = broken(command, pumps, false);
    if (broken.isPresent()) {
      throw new AnsibleException(broken.get());
    }
    if (WorkerStop.stopping() && WorkerStop.endedBySignal(result.getExitValue())) {
      throw new AnsibleException(
          command.program()
              + " exited "
              + result.getExitValue()
              + " while the worker stopped: ended by a signal, not by Ansible's answer; the run is"
              + " retried on another worker");
    }
    return new ProcessOutcome(
        result.getExitValue(), false, Duration.between(started, Instant.now()));
  }

  /**
   * Why the run's output can no longer be kept: its log cannot be written (a full disk), or, while
   * it runs, its output cannot be read. A worker fault (retried on another worker), never Ansible's
   * answer about the host.
   */
  private static Optional<String> broken(
      AnsibleCommand command, WatchedOutput pumps, boolean running) {
    Optional<String> write =
        pumps
            .writeFailure()
            .map(
                m ->
                    command.program()
                        + " stopped: this worker cannot write its log "
                        + command.log()
                        + " ("
                        + m
                        + "; is the worker's disk full?); the run is retried on another worker");
    if (write.isPresent() || !running) {
      return write;
    }
    return pumps
        .readFailure()
        .map(
            m ->
                command.program()
                    + " stopped: this worker cannot read its output ("
                    + m
                    + "); the run is retried on another worker");
  }

  /** Asks the launcher to end the tree, then kills anything left. */
  static void endTree(Process process, DefaultExecuteResultHandler result) {
    if (process == null) {
      return;
    }
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("launcher did not stop within {}; killing the process tree", STOP_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      result.waitFor(STOP_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** commons-exec's executor, keeping hold of the process so that its tree can be ended. */
  private static final class CapturingExecutor extends DefaultExecutor {
    private final AtomicReference<Process> process;

    CapturingExecutor(AtomicReference<Process> process) {
      this.process = process;
    }

    @Override
    protected Process launch(CommandLine command, Map<String, String> env, File dir)
        throws IOException {
      Process p = super.launch(command, env, dir);
      process.set(p);
      return p;
    }

    @Override
    protected Process launch(CommandLine command, Map<String, String> env, java.nio.file.Path dir)
        throws IOException {
      Process p = super.launch(command, env, dir);
      process.set(p);
      return p;
    }
  }
}
