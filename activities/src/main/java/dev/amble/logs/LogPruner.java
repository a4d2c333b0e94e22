package dev.amble.logs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a worker's logs older than it keeps them: files under each workspace's {@code logs/} not
 * written for {@code keep}, and the host folders they leave empty. What the logs said about a
 * failure stays in history (the failed step's last lines). A file or folder it cannot read or
 * delete is logged and left, and pruning goes on with the rest.
 */
public final class LogPruner {
  /** How long a worker keeps its logs unless told otherwise. */
  public static final Duration DEFAULT_KEEP = Duration.ofDays(30);

  private static final Logger log = LoggerFactory.getLogger(LogPruner.class);

  /** How a file or empty folder is deleted (a test's may fail). */
  interface Deleter {
    void delete(Path path) throws IOException;
  }

  private LogPruner() {}

  /** Prunes the logs of every workspace under {@code workspaces}; returns the files deleted. */
  public static int prune(Path workspaces, Duration keep, Clock clock) {
    return prune(workspaces, keep, clock, Files::deleteIfExists);
  }

  static int prune(Path workspaces, Duration keep, Clock clock, Deleter deleter) {
    if (!Files.isDirectory(workspaces)) {
      return 0;
    }
    Instant before = clock.instant().minus(keep);
    int[] deleted = {0};
    int[] failed = {0};
    List<Path> all;
    try (Stream<Path> folders = Files.list(workspaces)) {
      all = folders.map(f -> f.resolve("logs")).filter(Files::isDirectory).toList();
    } catch (IOException e) {
      log.warn("pruning logs: cannot list {}: {}", workspaces, e.toString());
      return 0;
    }
    for (Path logs : all) {
      try {
        Files.walkFileTree(
            logs,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()
                    && attrs.lastModifiedTime().toInstant().isBefore(before)) {
                  try {
                    deleter.delete(file);
                    deleted[0]++;
                  } catch (IOException e) {
                    failed[0]++;
                    log.warn("pruning logs: cannot delete {}: {}", file, e.toString());
                  }
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                failed[0]++;
                log.warn("pruning logs: cannot read {}: {}", file, e.toString());
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                  failed[0]++;
                  log.warn("pruning logs: cannot read all of {}: {}", dir, e.toString());
                } else if (!dir.equals(logs)) {
                  try (Stream<Path> left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                      deleter.delete(dir);
                    }
                  } catch (IOException failure) {
                    failed[0]++;
                    log.warn("pruning logs: cannot delete {}: {}", dir, failure.toString());
                  }
                }
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        failed[0]++;
        log.warn("pruning logs under {}: {}", logs, e.toString());
      }
    }
    if (deleted[0] > 0 || failed[0] > 0) {
      log.info(
          "pruned {} log files older than {} under {}{}",
          deleted[0],
          keep,
          workspaces,
          failed[0] > 0 ? " (" + failed[0] + " could not be; see the warnings above)" : "");
    }
    return deleted[0];
  }
}
