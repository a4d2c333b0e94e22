package dev.amble.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests (Debian's {@code postgresql} package; scripts/test installs
 * it), run from /usr/lib/postgresql/VERSION/bin as the package's {@code postgres} user, never as
 * root: its own cluster ({@code initdb}) in a folder under {@code parent}, listening on 127.0.0.1
 * on a port picked at start, with a Unix socket in that folder only. TCP logins need a password
 * (scram-sha-256); the superuser {@code postgres} may log in over the socket without one. Stopped
 * (fast shutdown, then SIGKILL) on {@link #close}.
 *
 * <p>The folder's name is a sentinel unique to this server ({@link #sentinel}); it is in the
 * postmaster's command line ({@code -D}), so a test can find its own server, or a leftover one.
 *
 * <p>Durability settings are for tests: {@code fsync=off} (a crash of this machine would lose data;
 * a SIGKILL of a client, or of Temporal, does not).
 */
public final class PostgresServer implements AutoCloseable {
  static final String OS_USER = "postgres";
  static final String SUPERUSER = "postgres";
  private static final Duration READY_WITHIN = Duration.ofSeconds(30);
  private static final int ATTEMPTS = 5;

  private final Process process;
  private final Path dir;
  private final Path bin;
  private final int port;
  private final String sentinel;

  private PostgresServer(Process process, Path dir, Path bin, int port, String sentinel) {
    this.process = process;
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.sentinel = sentinel;
  }

  /**
   * A new cluster in {@code parent}/SENTINEL, started. {@code parent} and its ancestors must be
   * searchable by the {@code postgres} user (e2e/target is; a JUnit @TempDir, mode 0700, is not).
   */
  public static PostgresServer start(Path parent) {
    Instant begin = Instant.now();
    Path bin = binaries();
    String sentinel =
        "amble-pg-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    Path dir = parent.toAbsolutePath().resolve(sentinel);
    String failure = "";
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      chown(dir);
      Path data = dir.resolve("data");
      run(
          dir,
          asPostgres(
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              SUPERUSER,
              "-E",
              "UTF8",
              "--no-locale",
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "--no-sync"),
          dir.resolve("initdb.log"),
          Duration.ofSeconds(120));
      // Another process may take the port between picking it and the postmaster binding it: then
      // the postmaster exits, and another port is tried.
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        int port = dev.amble.worker.LocalTemporal.anyFreePort();
        Path log = dir.resolve("postgres-" + port + ".log");
        Process process =
            new ProcessBuilder(
                    asPostgres(
                        bin.resolve("postgres").toString(),
                        "-D",
                        data.toString(),
                        "-p",
                        Integer.toString(port),
                        "-k",
                        dir.toString(),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "max_connections=200",
                        "-c",
                        "fsync=off",
                        "-c",
                        "full_page_writes=off"))
                .directory(dir.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PostgresServer server = new PostgresServer(process, dir, bin, port, sentinel);
        Optional<String> problem = server.awaitReady(log);
        if (problem.isEmpty()) {
          System.out.printf(
              "e2e: PostgreSQL (%s) ready on port %d in %d ms%n",
              bin.getParent().getFileName(),
              port,
              Duration.between(begin, Instant.now()).toMillis());
          return server;
        }
        server.close();
        failure = problem.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("starting PostgreSQL in " + dir, e);
    }
    throw new IllegalStateException(
        "PostgreSQL did not start in " + ATTEMPTS + " attempts; last: " + failure);
  }

  /** /usr/lib/postgresql/NEWEST/bin, where Debian keeps initdb and postgres (not on PATH). */
  static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        Optional<Path> newest =
            versions
                .filter(v -> Files.isExecutable(v.resolve("bin/postgres")))
                .max(
                    (a, b) ->
                        Integer.compare(
                            version(a.getFileName().toString()),
                            version(b.getFileName().toString())));
        if (newest.isPresent()) {
          return newest.get().resolve("bin");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException(
        "PostgreSQL not found in /usr/lib/postgresql: scripts/test installs it"
            + " (Debian: apt-get install postgresql)");
  }

  private static int version(String name) {
    try {
      return Integer.parseInt(name.replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The command run as the {@code postgres} user (the server refuses to run as root). */
  private static List<String> asPostgres(String... command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(
          List.of(
              "setpriv",
              "--reuid=" + OS_USER,
              "--regid=" + OS_USER,
              "--init-groups",
              "--inh-caps=-all"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void chown(Path path) throws IOException {
    if (!isRoot()) {
      return;
    }
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(path, users.lookupPrincipalByName(OS_USER));
    Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
        .setGroup(users.lookupPrincipalByGroupName(OS_USER));
  }

  private static String run(Path cwd, List<String> command, Path log, Duration timeout)
      throws IOException {
    Process p =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectInput(new File("/dev/null"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " hung; see " + log);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + out);
    }
    return out;
  }

  /** Polls pg_isready (over TCP, as a client would) until it answers, or the server exits. */
  private Optional<String> awaitReady(Path log) {
    Instant deadline = Instant.now().plus(READY_WITHIN);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        return Optional.of("postgres exited " + process.exitValue() + "; see " + log);
      }
      try {
        Process ready =
            new ProcessBuilder(
                    bin.resolve("pg_isready").toString(),
                    "-q",
                    "-h",
                    host(),
                    "-p",
                    Integer.toString(port),
                    "-t",
                    "1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (ready.waitFor(5, TimeUnit.SECONDS) && ready.exitValue() == 0) {
          return Optional.empty();
        }
        ready.destroyForcibly();
        Thread.sleep(100); // polling with a deadline, not coordination
      } catch (IOException e) {
        return Optional.of(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.of("not ready within " + READY_WITHIN + "; see " + log);
  }

  /**
   * Runs SQL as the superuser over the Unix socket (psql, ON_ERROR_STOP) in {@code database}: its
   * output, unaligned and without headers.
   */
  public String psql(String database, String sql) {
    try {
      Path log = Files.createTempFile(dir, "psql", ".out");
      try {
        return run(
                dir,
                asPostgres(
                    bin.resolve("psql").toString(),
                    "-X",
                    "-q",
                    "-A",
                    "-t",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    dir.toString(),
                    "-p",
                    Integer.toString(port),
                    "-U",
                    SUPERUSER,
                    "-d",
                    database,
                    "-c",
                    sql),
                log,
                Duration.ofSeconds(60))
            .strip();
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A login role that may create databases, with a password for TCP logins. {@code password} goes
   * into SQL: tests pass plain words (letters and digits).
   */
  public void createUser(String name, String password) {
    if (!name.matches("[a-z_][a-z0-9_]*") || !password.matches("[A-Za-z0-9]+")) {
      throw new IllegalArgumentException("a plain role name and password, please");
    }
    psql("postgres", "CREATE ROLE " + name + " LOGIN CREATEDB PASSWORD '" + password + "'");
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** The word in this server's command line that no other process has. */
  public String sentinel() {
    return sentinel;
  }

  public Path dir() {
    return dir;
  }

  public Process process() {
    return process;
  }

  /**
   * Stops the server: SIGINT (fast shutdown: clients are disconnected), then SIGKILL of the
   * postmaster and every process it started, if it is not gone within 15 seconds.
   */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor(5, TimeUnit.SECONDS);
      }
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
