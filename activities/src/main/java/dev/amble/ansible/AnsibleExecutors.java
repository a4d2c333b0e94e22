package dev.amble.ansible;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amble's long-lived Ansible executors ({@code amble_executor.py}), one per JVM and distinct
 * Ansible configuration: each imports Ansible once and forks a child per run, which saves a run the
 * interpreter's and Ansible's start-up (about half a second of CPU). The launcher hands a run to
 * the executor whose socket it is given, and starts the program itself when the executor cannot
 * take it, so an executor that is missing, starting or gone never fails a run.
 *
 * <p>{@code ansible.constants} reads Ansible's settings when Ansible is imported, so an executor
 * serves only runs with its configuration: the same interpreter, working folder, environment (all
 * but amble's own per-run {@code AMBLE_*} variables, which amble's plugins read while the run goes)
 * and ansible.cfg files as they were when it started (a changed ansible.cfg starts another). The
 * executor checks the environment and folder of every run again and refuses another.
 *
 * <p>Executors are used for {@code ansible-playbook} and {@code ansible-inventory} when the program
 * is Ansible's own entry script; {@value #SWITCH}{@code =off} in the worker's environment turns
 * them off (each run then starts its program, as before). At most {@value #MOST} run at once (the
 * least recently used is asked to stop, and does when its runs have ended); one left unused for
 * {@value #IDLE_SECONDS} seconds exits; all of them end, with their runs, when the JVM does: on a
 * shutdown hook of their own, or (a worker, see {@link WorkerStop}) when the worker's own shutdown
 * has let its runs end, so that a graceful stop does not end the runs it waits for.
 */
final class AnsibleExecutors {
  private static final Logger log = LoggerFactory.getLogger(AnsibleExecutors.class);

  static final String SWITCH = "AMBLE_ANSIBLE_EXECUTOR";
  static final String SOCKET_VARIABLE = "AMBLE_EXECUTOR_SOCKET";
  private static final int MOST = 8;
  private static final int IDLE_SECONDS = 600;
  private static final Duration READY = Duration.ofSeconds(60);
  private static final Pattern ENTRY =
      Pattern.compile("(?m)^from ansible\\.cli\\.(playbook|inventory) import main\\s*$");
  private static final Pattern SHEBANG = Pattern.compile("^#!\\s*(\\S+)(?:[ \\t]+(\\S+))?");

  private static final AnsibleExecutors SHARED = new AnsibleExecutors();

  /** The JVM's executors. */
  static AnsibleExecutors shared() {
    return SHARED;
  }

  /** What an executor's Ansible reads its settings from. */
  record Configuration(
      Path python, Path folder, SortedMap<String, String> environment, List<String> configFiles) {}

  private record Executor(Process process, Path socket, Configuration configuration) {}

  private final Map<Configuration, CompletableFuture<Optional<Executor>>> executors =
      new ConcurrentHashMap<>();
  private final Map<Configuration, Long> lastUsed = new ConcurrentHashMap<>();
  private final Map<Path, Optional<Path>> interpreters = new ConcurrentHashMap<>();
  private final AtomicInteger started = new AtomicInteger();
  private volatile Optional<Path> sockets = Optional.empty();
  private final Thread hook = new Thread(this::endAll, "amble-executors-end");
  private volatile boolean endsOnItsOwnHook = true;

  private AnsibleExecutors() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * The caller ends the executors ({@link #endAll}) after its own runs, on its own shutdown hook:
   * the JVM's hooks run at once and in no order, and this one would end the runs a graceful stop
   * waits for.
   */
  void endedByCaller() {
    if (!endsOnItsOwnHook) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      endsOnItsOwnHook = false;
    } catch (IllegalStateException shuttingDown) {
      // too late: the JVM is ending already, and its hooks run
    }
  }

  /** Whether the executors end on their own shutdown hook (for tests). */
  boolean endsOnItsOwnHook() {
    return endsOnItsOwnHook;
  }

  /**
   * When the JVM ends (or the worker has stopped): closes each executor's stdin (which ends it and
   * its runs, as the JVM's death would) and waits a moment for it, so that it ends as this
   * process's child (its CPU time counted as this process's).
   */
  void endAll() {
    List<Process> processes = new ArrayList<>();
    for (CompletableFuture<Optional<Executor>> executor : executors.values()) {
      executor.getNow(Optional.empty()).ifPresent(e -> processes.add(e.process()));
    }
    for (Process p : processes) {
      try {
        p.getOutputStream().close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    for (Process p : processes) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * The socket of an executor ready to run {@code program} of {@code ansible} in {@code folder}
   * with {@code environment} (the run's, as the launcher gets it); empty when none is (the launcher
   * then starts the program itself). {@code use} says whether the run starts the executor of its
   * configuration, and whether it waits for it ({@link AnsibleCommand.ExecutorUse}).
   */
  Optional<Path> socketFor(
      AnsibleInstallation ansible,
      String program,
      Path folder,
      Map<String, String> environment,
      Map<String, String> workerEnvironment,
      AnsibleCommand.ExecutorUse use) {
    if ("off".equalsIgnoreCase(workerEnvironment.getOrDefault(SWITCH, ""))
        || !AnsibleInstallation.PROGRAMS.contains(program)) {
      return Optional.empty();
    }
    Optional<Path> python =
        interpreters.computeIfAbsent(
            ansible.program(program), p -> interpreter(p, environment.getOrDefault("PATH", "")));
    if (python.isEmpty()) {
      return Optional.empty();
    }
    Configuration configuration = configuration(python.get(), folder, environment);
    CompletableFuture<Optional<Executor>> executor;
    if (use == AnsibleCommand.ExecutorUse.IF_RUNNING) {
      executor = executors.get(configuration);
      if (executor == null || !executor.isDone() || stale(executor)) {
        return Optional.empty();
      }
      lastUsed.put(configuration, System.nanoTime());
    } else {
      lastUsed.put(configuration, System.nanoTime());
      executor =
          executors.compute(
              configuration,
              (c, known) -> {
                if (known == null || stale(known)) {
                  return CompletableFuture.supplyAsync(() -> start(ansible, c));
                }
                return known;
              });
      evictBeyondMost();
    }
    if (use == AnsibleCommand.ExecutorUse.WHEN_READY && !executor.isDone()) {
      return Optional.empty();
    }
    try {
      return executor.get(READY.toSeconds() + 5, TimeUnit.SECONDS).map(Executor::socket);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  /** Whether a known executor is gone (it exited when idle, or crashed) or failed long ago. */
  private static boolean stale(CompletableFuture<Optional<Executor>> known) {
    if (!known.isDone()) {
      return false;
    }
    Optional<Executor> executor = known.getNow(Optional.empty());
    return executor.map(e -> !e.process().isAlive()).orElse(false);
  }

  /**
   * The interpreter of Ansible's entry script {@code program}, when it is one (a stand-in, a
   * wrapper or another build is run as a program of its own).
   */
  static Optional<Path> interpreter(Path program, String path) {
    try {
      if (!Files.isRegularFile(program) || Files.size(program) > 64 * 1024) {
        return Optional.empty();
      }
      String text = Files.readString(program, StandardCharsets.UTF_8);
      Matcher shebang = SHEBANG.matcher(text);
      if (!ENTRY.matcher(text).find() || !shebang.find()) {
        return Optional.empty();
      }
      Path interpreter = Path.of(shebang.group(1));
      if (interpreter.getFileName().toString().equals("env") && shebang.group(2) != null) {
        for (String dir : path.split(":")) {
          Path candidate = dir.isEmpty() ? null : Path.of(dir, shebang.group(2));
          if (candidate != null && Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
        return Optional.empty();
      }
      return Files.isExecutable(interpreter) ? Optional.of(interpreter) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The configuration a run with {@code environment} in {@code folder} gets from Ansible. */
  static Configuration configuration(Path python, Path folder, Map<String, String> environment) {
    SortedMap<String, String> env = new TreeMap<>();
    environment.forEach(
        (k, v) -> {
          if (!k.startsWith("AMBLE_")) {
            env.put(k, v);
          }
        });
    // Where Ansible looks for its configuration file, in its order; each with what it is now.
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(environment.get("ANSIBLE_CONFIG"))
        .filter(s -> !s.isEmpty())
        .map(folder::resolve)
        .ifPresent(candidates::add);
    candidates.add(folder.resolve("ansible.cfg"));
    Optional.ofNullable(environment.get("HOME"))
        .filter(s -> !s.isEmpty())
        .ifPresent(h -> candidates.add(Path.of(h, ".ansible.cfg")));
    candidates.add(Path.of("/etc/ansible/ansible.cfg"));
    List<String> files = new ArrayList<>();
    for (Path file : candidates) {
      files.add(file + "=" + stamp(file));
    }
    return new Configuration(python, folder.toAbsolutePath(), env, List.copyOf(files));
  }

  private static String stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
    } catch (IOException absent) {
      return "absent";
    }
  }

  private Optional<Executor> start(AnsibleInstallation ansible, Configuration configuration) {
    Path socket;
    try {
      socket = socketFolder().resolve(started.incrementAndGet() + ".sock");
    } catch (IOException | UncheckedIOException e) {
      log.warn("Ansible executors are off: no private folder for their sockets: {}", e.toString());
      return Optional.empty();
    }
    if (socket.toString().length() > 100) {
      return Optional.empty(); // longer than a Unix socket's path may be
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                configuration.python().toString(),
                ansible.executor().toString(),
                socket.toString(),
                Integer.toString(IDLE_SECONDS))
            .directory(configuration.folder().toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().clear();
    builder.environment().putAll(configuration.environment());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      log.warn("could not start an Ansible executor: {}", e.toString());
      return Optional.empty();
    }
    // The executor's stdin stays open: it closes when this JVM is gone, which ends the executor
    // and its runs.
    CompletableFuture<String> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                return line == null ? "" : line;
              } catch (IOException e) {
                return "";
              }
            });
    try {
      if ("ready".equals(ready.get(READY.toSeconds(), TimeUnit.SECONDS))) {
        log.debug("Ansible executor {} ready for {}", socket, configuration.folder());
        return Optional.of(new Executor(process, socket, configuration));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // not ready: below
    }
    process.destroyForcibly();
    log.warn(
        "an Ansible executor for {} did not start; its runs start Ansible themselves",
        configuration.folder());
    return Optional.empty();
  }

  /** Asks the least recently used executors beyond {@value #MOST} to stop when their runs end. */
  private void evictBeyondMost() {
    if (executors.size() <= MOST) {
      return;
    }
    List<Configuration> oldest =
        executors.keySet().stream()
            .sorted(Comparator.comparingLong(c -> lastUsed.getOrDefault(c, 0L)))
            .limit(executors.size() - MOST)
            .toList();
    for (Configuration c : oldest) {
      CompletableFuture<Optional<Executor>> executor = executors.remove(c);
      lastUsed.remove(c);
      if (executor != null) {
        executor.thenAccept(e -> e.ifPresent(x -> x.process().destroy()));
      }
    }
  }

  /** A folder only this user can enter, for the executors' sockets. */
  private synchronized Path socketFolder() throws IOException {
    if (sockets.isEmpty() || !Files.isDirectory(sockets.get())) {
      Path dir =
          Files.createTempDirectory(
              Path.of("/tmp"),
              "amble-exec-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      dir.toFile().deleteOnExit();
      sockets = Optional.of(dir);
    }
    return sockets.get();
  }

  /** How many executors this JVM has started (for tests). */
  int started() {
    return started.get();
  }
}
