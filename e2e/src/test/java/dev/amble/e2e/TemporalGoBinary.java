package dev.amble.e2e;

import dev.amble.server.LocalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Programs of Temporal's server module (go.temporal.io/server at {@link
 * LocalServer#SERVER_VERSION}), built once per machine with {@code go install} the way {@code amble
 * server} builds the server itself, and kept next to it in {@link LocalServer#defaultBin}.
 */
enum TemporalGoBinary {
  /** The server ({@code amble server} builds the same file). */
  SERVER("server", "server"),
  /**
   * Temporal's own schema tool for SQL stores: create-database, setup-schema, update-schema. At
   * v1.31.2 the schema files are embedded in it ({@code --schema-name postgresql/v12/temporal}).
   */
  SQL_TOOL("sqltool", "sql");

  private final String file;
  private final String module;
  private final String version;
  private final String built;
  private final List<String> flags;

  /** The program's keys in go-programs.properties, and the file go install makes. */
  TemporalGoBinary(String program, String built) {
    this.file = LocalServer.goProgram(program + ".file");
    this.module = LocalServer.goProgram(program + ".module");
    this.version = LocalServer.goProgram(program + ".version");
    this.built = built;
    this.flags = LocalServer.goFlags(program);
  }

  /** The binary, built first if this machine does not have it yet. */
  synchronized Path ensureBuilt() {
    Path bin = LocalServer.defaultBin(System.getenv());
    Path binary = bin.resolve(file);
    if (Files.isExecutable(binary)) {
      return binary;
    }
    Instant begin = Instant.now();
    try {
      Path gobin =
          Files.createDirectories(
              bin.resolve("build-" + ProcessHandle.current().pid() + "-" + file));
      Path log = bin.resolve("build.log");
      List<String> command = new ArrayList<>(List.of("go", "install"));
      command.addAll(flags);
      command.add(module + "@" + version);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("GOBIN", gobin.toString());
      pb.environment().put("GOFLAGS", "-mod=mod");
      Process p = pb.start();
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "go install " + module + "@" + version + " failed; see " + log);
      }
      Files.move(gobin.resolve(built), binary, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(gobin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    System.out.printf(
        "e2e: built %s in %ds%n", binary, Duration.between(begin, Instant.now()).toSeconds());
    return binary;
  }
}
