package dev.amble.ansible;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where Ansible's programs are, and amble's own Python support files (the launcher, the callback
 * plugin, the fact reader, the module amble_lock and its action plugin), unpacked next to each
 * other on this machine.
 *
 * <p>Ansible is found in this order: the folder named by {@code AMBLE_ANSIBLE_BIN}; the project
 * virtualenv {@code .venv/bin} under {@code amble.home} (set by the {@code ./amble} launcher); the
 * {@code PATH}.
 */
public record AnsibleInstallation(Path bin, Path python, Path support) {
  static final String[] SUPPORT_FILES = {
    "amble_launch.py",
    "amble_executor.py",
    "callback_plugins/amble_events.py",
    "amble_facts.py",
    "amble_cache_password.py",
    "library/amble_lock.py",
    "action_plugins/amble_lock.py"
  };

  /** The programs amble runs. */
  static final List<String> PROGRAMS = List.of("ansible-playbook", "ansible-inventory");

  private static final String FIX =
      "Install Ansible with scripts/setup-ansible (a project virtualenv with ansible-core), or set"
          + " AMBLE_ANSIBLE_BIN to the folder that holds ansible-playbook and ansible-inventory.";

  /**
   * How to install Ansible for amble: in an installed amble (the distribution, whose {@code
   * amble.home} has {@code bin/amble-setup}), that command; in a checkout, scripts/setup-ansible.
   */
  static String fix() {
    return Optional.ofNullable(System.getProperty("amble.home"))
        .map(h -> Path.of(h, "bin", "amble-setup"))
        .filter(Files::isExecutable)
        .map(
            setup ->
                "Install Ansible with "
                    + setup
                    + " (a virtualenv with the pinned ansible-core), or set AMBLE_ANSIBLE_BIN to the"
                    + " folder that holds ansible-playbook and ansible-inventory.")
        .orElse(FIX);
  }

  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(60);

  public Path program(String name) {
    return bin.resolve(name);
  }

  public Path launcher() {
    return support.resolve("amble_launch.py");
  }

  /** amble's long-lived Ansible executor (see AnsibleExecutors). */
  public Path executor() {
    return support.resolve("amble_executor.py");
  }

  /** The helper that reads cached facts through Ansible's cache plugins (see FactReader). */
  public Path factReader() {
    return support.resolve("amble_facts.py");
  }

  public Path callbackPlugins() {
    return support.resolve("callback_plugins");
  }

  /** The folder of amble's own Ansible modules (amble_lock), for Ansible's module path. */
  public Path library() {
    return support.resolve("library");
  }

  /**
   * The folder of amble's action plugins (amble_lock's, which runs the module without Ansible's
   * module wrapper), for Ansible's action plugin path.
   */
  public Path actionPlugins() {
    return support.resolve("action_plugins");
  }

  /** Finds Ansible, or explains how to install it. */
  public static AnsibleInstallation find(Map<String, String> env) {
    Optional<Path> bin =
        Optional.ofNullable(env.get("AMBLE_ANSIBLE_BIN"))
            .filter(s -> !s.isBlank())
            .map(Path::of)
            .or(
                () ->
                    Optional.ofNullable(System.getProperty("amble.home"))
                        .map(h -> Path.of(h, ".venv", "bin"))
                        .filter(b -> Files.isExecutable(b.resolve("ansible-playbook"))))
            .or(
                () ->
                    onPath(env.getOrDefault("PATH", ""), "ansible-playbook").map(Path::getParent));
    for (String program : PROGRAMS) {
      if (bin.isEmpty() || !Files.isExecutable(bin.get().resolve(program))) {
        throw new AnsibleNotFoundException(
            program + " not found" + bin.map(b -> " in " + b).orElse("") + ". " + fix());
      }
    }
    Path python =
        Files.isExecutable(bin.get().resolve("python3"))
            ? bin.get().resolve("python3")
            : onPath(env.getOrDefault("PATH", ""), "python3")
                .orElseThrow(() -> new AnsibleNotFoundException("python3 not found"));
    return new AnsibleInstallation(bin.get().toAbsolutePath(), python, unpackSupport());
  }

  /**
   * This installation, once each of its programs has answered {@code --version}: what a worker and
   * the CLI check before they start, so that a broken Ansible is one clear message, not a fault of
   * every host.
   */
  public AnsibleInstallation verified() {
    return verified(Set.of());
  }

  /**
   * As {@link #verified()}, but for the programs in {@code answered}, which this process has just
   * run to an answer (the CLI's syntax check runs {@code ansible-playbook}): their {@code
   * --version} would prove nothing more, at about 0.3 s of CPU each.
   */
  public AnsibleInstallation verified(Set<String> answered) {
    List<CompletableFuture<Optional<String>>> answers =
        PROGRAMS.stream()
            .filter(p -> !answered.contains(p))
            .map(p -> CompletableFuture.supplyAsync(() -> problem(p)))
            .toList();
    for (CompletableFuture<Optional<String>> answer : answers) {
      Optional<String> problem = answer.join();
      if (problem.isPresent()) {
        throw new AnsibleNotFoundException(problem.get() + ". " + fix());
      }
    }
    return this;
  }

  /** What is wrong with {@code program --version}, if anything. */
  private Optional<String> problem(String program) {
    String shown = program(program) + " --version";
    try {
      ProcessBuilder builder =
          new ProcessBuilder(program(program).toString(), "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().putIfAbsent("LC_ALL", "C.UTF-8"); // as ProcessRunner runs it
      Process p = builder.start();
      if (!p.waitFor(VERSION_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.of(shown + " did not answer within " + VERSION_TIMEOUT.toSeconds() + "s");
      }
      return p.exitValue() == 0
          ? Optional.empty()
          : Optional.of(shown + " failed (exit " + p.exitValue() + ")");
    } catch (IOException e) {
      return Optional.of(shown + " cannot run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(shown + " was interrupted");
    }
  }

  private static Optional<Path> onPath(String path, String program) {
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Optional.of(Path.of(dir, program));
      }
    }
    return Optional.empty();
  }

  /**
   * Unpacks the support files once per content, so versions never overwrite each other, into the
   * user's own cache folder ({@code $XDG_CACHE_HOME/amble} or {@code ~/.cache/amble}): never a
   * predictable path in a shared /tmp, where another local user could plant a launcher that runs as
   * the worker and reads the become password. A folder found there is used only if every file in it
   * is byte for byte what this build carries.
   */
  private static synchronized Path unpackSupport() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[][] contents = new byte[SUPPORT_FILES.length][];
      for (int i = 0; i < SUPPORT_FILES.length; i++) {
        try (InputStream in = AnsibleInstallation.class.getResourceAsStream(SUPPORT_FILES[i])) {
          if (in == null) {
            throw new IllegalStateException("missing resource " + SUPPORT_FILES[i]);
          }
          contents[i] = in.readAllBytes();
          digest.update(contents[i]);
        }
      }
      String id = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
      Path base = privateFolder();
      Path dir = base.resolve("ansible-support-" + id);
      if (unpacked(dir, contents)) {
        return dir;
      }
      Path staging = Files.createTempDirectory(base, "unpacking-");
      for (int i = 0; i < SUPPORT_FILES.length; i++) {
        Path target = staging.resolve(SUPPORT_FILES[i]);
        Files.createDirectories(target.getParent());
        Files.write(target, contents[i]);
      }
      try {
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException taken) {
        // Another worker unpacked the same files first, or what is there is not ours: then
        // this process uses its own private copy.
        if (!unpacked(dir, contents)) {
          return staging;
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("unpacking amble's Ansible support files", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The user's cache folder for amble ({@code $XDG_CACHE_HOME/amble} or {@code ~/.cache/amble}),
   * created private (0700) when missing.
   */
  public static Path cacheFolder() {
    try {
      return privateFolder();
    } catch (IOException e) {
      throw new UncheckedIOException("creating amble's cache folder", e);
    }
  }

  private static Path privateFolder() throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        (xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache"))
            .resolve("amble");
    if (!Files.isDirectory(base)) {
      Files.createDirectories(base);
      try {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException notPosix) {
        // the folder stays as the platform made it
      }
    }
    return base;
  }

  /** Whether {@code dir} holds exactly the support files of this build. */
  private static boolean unpacked(Path dir, byte[][] contents) throws IOException {
    for (int i = 0; i < SUPPORT_FILES.length; i++) {
      Path file = dir.resolve(SUPPORT_FILES[i]);
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !Arrays.equals(Files.readAllBytes(file), contents[i])) {
        return false;
      }
    }
    return true;
  }
}
