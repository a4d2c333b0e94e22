package dev.amble.e2e;

import dev.amble.server.LocalServer;
import dev.amble.worker.LocalTemporal;
import dev.amble.worker.TemporalConnection;
import io.grpc.StatusRuntimeException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The production shape's Temporal server: the binary {@code amble server} builds (go.temporal.io/
 * server v1.31.2), persisting to PostgreSQL (plugin postgres12) in two databases, {@code temporal}
 * and {@code temporal_visibility}, whose schemas Temporal's own {@code temporal-sql-tool} made
 * (create-database, setup-schema -v 0.0, update-schema), as an operator following Temporal's docs
 * would. Every port it listens on was free when picked; the namespace {@code default} and amble's
 * search attributes are registered as {@code amble server} does it.
 *
 * <p>It runs detached (setsid, its own session), its folder's name a sentinel unique to it that is
 * in its command line ({@code --config-file}). {@link #kill} is a crash (SIGKILL); {@link #start}
 * starts it again on the same databases; {@link #close} stops it.
 */
public final class PostgresTemporal implements AutoCloseable {
  static final String DB_USER = "temporal";
  private static final int ATTEMPTS = 3;

  private final PostgresServer postgres;
  private final Path dir;
  private final String sentinel;
  private final String password;
  private final Path binary;
  private Map<String, Integer> ports = Map.of();
  private ProcessHandle process;
  private int starts;

  private PostgresTemporal(PostgresServer postgres, Path dir, String sentinel, String password) {
    this.postgres = postgres;
    this.dir = dir;
    this.sentinel = sentinel;
    this.password = password;
    this.binary = TemporalGoBinary.SERVER.ensureBuilt();
  }

  /**
   * Makes the role, the databases and their schemas on {@code postgres}, then starts the server.
   */
  public static PostgresTemporal start(PostgresServer postgres, Path parent)
      throws InterruptedException {
    String sentinel =
        "amble-temporal-pg-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    String password = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    Path dir = parent.toAbsolutePath().resolve(sentinel);
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostgresTemporal server = new PostgresTemporal(postgres, dir, sentinel, password);
    Instant begin = Instant.now();
    postgres.createUser(DB_USER, password);
    server.createSchemas();
    System.out.printf(
        "e2e: Temporal's schemas on PostgreSQL took %d ms%n",
        Duration.between(begin, Instant.now()).toMillis());
    server.start();
    return server;
  }

  /**
   * temporal-sql-tool, as Temporal's docs run it, for both stores: create-database, setup-schema -v
   * 0.0 (the versioning tables), update-schema to the newest version of the schema embedded in the
   * tool (at v1.31.2 it embeds postgresql/v12/temporal and postgresql/v12/visibility; the same
   * files are in the module's schema/postgresql/v12/.../versioned folders).
   */
  private void createSchemas() {
    Path tool = TemporalGoBinary.SQL_TOOL.ensureBuilt();
    Map<String, String> stores =
        Map.of(
            "temporal", "postgresql/v12/temporal",
            "temporal_visibility", "postgresql/v12/visibility");
    for (Map.Entry<String, String> store : stores.entrySet()) {
      sqlTool(tool, store.getKey(), "create-database");
      sqlTool(tool, store.getKey(), "setup-schema", "-v", "0.0");
      sqlTool(tool, store.getKey(), "update-schema", "--schema-name", store.getValue());
    }
  }

  private void sqlTool(Path tool, String database, String... command) {
    List<String> full =
        new ArrayList<>(
            List.of(
                tool.toString(),
                "--plugin",
                "postgres12",
                "--endpoint",
                postgres.host(),
                "--port",
                Integer.toString(postgres.port()),
                "--user",
                DB_USER,
                "--db",
                database));
    full.addAll(List.of(command));
    Path log = dir.resolve("sql-tool.log");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(full)
              .directory(dir.toFile())
              .redirectInput(new File("/dev/null"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // The password through the tool's environment variable: on no command line.
      pb.environment().put("SQL_PASSWORD", password);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "temporal-sql-tool "
                + String.join(" ", command)
                + " on "
                + database
                + " failed:\n"
                + Files.readString(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts the server (again, after {@link #kill}, on the same databases and ports), waits until
   * its frontend answers and the namespace and search attributes can be used. A first start whose
   * ports were taken meanwhile is tried again on other ports.
   */
  public synchronized void start() throws InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running (pid " + process.pid() + ")");
    }
    Instant begin = Instant.now();
    for (int attempt = 1; ; attempt++) {
      if (ports.isEmpty() || (starts == 0 && attempt > 1)) {
        ports = pickPorts();
      }
      Path config = dir.resolve("temporal.yaml");
      Path log = dir.resolve("server.log");
      try {
        Files.writeString(config, "", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(config, config(), StandardCharsets.UTF_8);
        Files.writeString(
            log,
            "--- start " + (starts + 1) + " at " + Instant.now() + "\n",
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
        Process p =
            new ProcessBuilder(
                    "setsid",
                    binary.toString(),
                    "--config-file",
                    config.toString(),
                    "--allow-no-auth",
                    "start")
                .directory(dir.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process = p.toHandle();
        Files.writeString(dir.resolve("server.pid"), p.pid() + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (awaitHealthy(Duration.ofSeconds(90))) {
        break;
      }
      if (attempt >= ATTEMPTS || starts > 0) {
        throw new IllegalStateException(
            "the Temporal server on PostgreSQL exited at start; see " + log);
      }
    }
    LocalServer.setUpNamespace(address());
    starts++;
    System.out.printf(
        "e2e: Temporal on PostgreSQL (start %d) ready at %s in %d ms%n",
        starts, address(), Duration.between(begin, Instant.now()).toMillis());
  }

  /**
   * Nine loopback ports, distinct, each free when picked, all below 32768: Temporal's PostgreSQL
   * schema keeps a service's membership port in a {@code smallint} column (cluster_membership), so
   * the system's ephemeral ports (32768 and up on Linux) make the server exit at start.
   */
  private static Map<String, Integer> pickPorts() {
    List<String> names =
        List.of(
            "FRONTEND_PORT",
            "FRONTEND_MEMBERSHIP_PORT",
            "HTTP_PORT",
            "MATCHING_PORT",
            "MATCHING_MEMBERSHIP_PORT",
            "HISTORY_PORT",
            "HISTORY_MEMBERSHIP_PORT",
            "WORKER_PORT",
            "WORKER_MEMBERSHIP_PORT");
    Set<Integer> taken = new LinkedHashSet<>();
    Map<String, Integer> picked = new LinkedHashMap<>();
    for (String name : names) {
      int port;
      do {
        port = ThreadLocalRandom.current().nextInt(20000, 32768);
      } while (!LocalTemporal.isFree(port) || !taken.add(port));
      picked.put(name, port);
    }
    return picked;
  }

  private String config() {
    String text;
    try (InputStream in = PostgresTemporal.class.getResourceAsStream("temporal-postgres12.yaml")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    text =
        text.replace("{{DB_PORT}}", Integer.toString(postgres.port()))
            .replace("{{DB_USER}}", DB_USER)
            .replace("{{DB_PASSWORD}}", password);
    for (Map.Entry<String, Integer> port : ports.entrySet()) {
      text = text.replace("{{" + port.getKey() + "}}", Integer.toString(port.getValue()));
    }
    return text;
  }

  /** True once the frontend answers; false if the process exited first. */
  private boolean awaitHealthy(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    TemporalConnection connection = TemporalConnection.plain(address(), LocalServer.NAMESPACE);
    while (true) {
      try {
        connection.connect().shutdownNow();
        return true;
      } catch (TemporalConnection.UnreachableException | StatusRuntimeException notYet) {
        if (!process.isAlive()) {
          return false;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "the Temporal server on PostgreSQL did not answer within "
                  + timeout.toSeconds()
                  + "s; see "
                  + dir.resolve("server.log"));
        }
        Thread.sleep(250); // polling with a deadline
      }
    }
  }

  public int port() {
    return ports.get("FRONTEND_PORT");
  }

  public String address() {
    return LocalTemporal.address(port());
  }

  /** The word in this server's command line that no other process has. */
  public String sentinel() {
    return sentinel;
  }

  public Path dir() {
    return dir;
  }

  /** How often it was started (the first start counts). */
  public int starts() {
    return starts;
  }

  /** SIGKILL, as a crash would: no shutdown of any kind; returns once the process is gone. */
  public synchronized void kill() throws Exception {
    ProcessHandle server = process;
    new ProcessBuilder("kill", "-9", Long.toString(server.pid())).start().waitFor();
    server.onExit().get(10, TimeUnit.SECONDS);
  }

  /** Stops the server (SIGTERM; SIGKILL if it has not exited within 20 seconds). */
  @Override
  public synchronized void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      process.onExit().get(20, TimeUnit.SECONDS);
    } catch (Exception notInTime) {
      process.destroyForcibly();
    }
  }
}
