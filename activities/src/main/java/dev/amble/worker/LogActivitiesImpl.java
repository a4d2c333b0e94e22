package dev.amble.worker;

import dev.amble.ansible.WorkspaceDir;
import dev.amble.logs.LogActivities;
import dev.amble.logs.LogPiece;
import dev.amble.logs.LogRequest;
import dev.amble.logs.RunLogTag;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads this worker's logs for {@code amble logs}: only {@code .log} files under its workspaces'
 * {@code logs/} folders, whatever path a request names, so that the queue serves nothing else of
 * the machine.
 */
public final class LogActivitiesImpl implements LogActivities {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration MAX_WAIT = Duration.ofSeconds(10);

  private final Path workspaces;

  /**
   * @param workspaces where this worker keeps its workspaces' folders (each with its logs/)
   */
  public LogActivitiesImpl(Path workspaces) {
    this.workspaces = workspaces.toAbsolutePath().normalize();
  }

  @Override
  public LogPiece readLog(LogRequest request) {
    Optional<Path> log;
    if (request.log().isEmpty() && !request.run().isEmpty()) {
      log = tagged(request);
      if (log.isEmpty()) {
        return LogPiece.missing(
            "", "no log of " + request.host() + "'s run " + request.run() + " yet");
      }
    } else if (request.log().isEmpty()) {
      log = next(request);
      if (log.isEmpty()) {
        return LogPiece.missing(
            "", "no log of " + request.host() + " after '" + request.after() + "' yet");
      }
    } else {
      log = allowed(Path.of(request.log()));
      if (log.isEmpty()) {
        return LogPiece.missing(
            request.log(), "no such log on this worker (pruned, or not one of its logs)");
      }
    }
    try {
      return read(log.get(), request.offset(), waitFor(request));
    } catch (IOException e) {
      return LogPiece.missing(log.get().toString(), "cannot read it: " + e.getMessage());
    }
  }

  private static Duration waitFor(LogRequest request) {
    Duration asked = Duration.ofMillis(Math.max(0, request.waitMillis()));
    return asked.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : asked;
  }

  /**
   * The path, when it is a log of this worker: a regular {@code .log} file under a logs/ folder.
   */
  Optional<Path> allowed(Path asked) {
    try {
      Path real = asked.toRealPath();
      Path root = workspaces.toRealPath();
      if (!real.startsWith(root)
          || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
          || !real.getFileName().toString().endsWith(".log")) {
        return Optional.empty();
      }
      for (Path part : root.relativize(real)) {
        if (part.toString().equals("logs")) {
          return Optional.of(real);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The log of the run tagged {@code run} ({@link RunLogTag}): its name says whose it is. */
  private Optional<Path> tagged(LogRequest request) {
    if (!RunLogTag.valid(request.run())) {
      return Optional.empty();
    }
    Path folder = hostLogs(request);
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(p -> RunLogTag.names(p.getFileName().toString(), request.run()))
          .min(Path::compareTo)
          .flatMap(this::allowed);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Path hostLogs(LogRequest request) {
    return workspaces
        .resolve(ContentFolders.folderName(request.project(), request.workspace()))
        .resolve("logs")
        .resolve(WorkspaceDir.fileName(request.host()));
  }

  /**
   * The host's first log after the one named {@code after} (logs are named by when they began):
   * what an older amble asks for a running step's log.
   */
  private Optional<Path> next(LogRequest request) {
    Path folder = hostLogs(request);
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".log"))
          .filter(p -> p.getFileName().toString().compareTo(request.after()) > 0)
          .min(Path::compareTo)
          .flatMap(this::allowed);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static LogPiece read(Path log, long offset, Duration wait) throws IOException {
    Instant until = Instant.now().plus(wait);
    long size = Files.size(log);
    while (size <= offset && Instant.now().isBefore(until)) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      size = Files.size(log);
    }
    long from = Math.min(Math.max(0, offset), size);
    int length = (int) Math.min(LogRequest.MAX_PIECE, size - from);
    byte[] bytes = new byte[length];
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      file.seek(from);
      file.readFully(bytes);
    }
    int keep = wholeLines(bytes);
    return new LogPiece(
        true,
        log.toString(),
        from,
        from + keep,
        size,
        new String(bytes, 0, keep, StandardCharsets.UTF_8),
        "");
  }

  /**
   * How many of the bytes to give: up to the last line break when there is one, so that no line
   * (and no UTF-8 character) is cut in two; the rest comes with the next piece.
   */
  private static int wholeLines(byte[] bytes) {
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    return bytes.length;
  }
}
