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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a worker's logs older than it keeps them: files under each workspace's {@code logs/} not
 * written for {@code keep}, and the host folders they leave empty. What the logs said about a
 * failure stays in history (the failed step's last lines).
 */
public final class LogPruner {
  /** How long a worker keeps its logs unless told otherwise. */
  public static final Duration DEFAULT_KEEP = Duration.ofDays(30);

  private static final Logger log = LoggerFactory.getLogger(LogPruner.class);

  private LogPruner() {}

  /** Prunes the logs of every workspace under {@code workspaces}; returns the files deleted. */
  public static int prune(Path workspaces, Duration keep, Clock clock) {
    if (!Files.isDirectory(workspaces)) {
      return 0;
    }
    Instant before = clock.instant().minus(keep);
    int[] deleted = {0};
    try (Stream<Path> folders = Files.list(workspaces)) {
      for (Path logs : folders.map(f -> f.resolve("logs")).filter(Files::isDirectory).toList()) {
        Files.walkFileTree(
            logs,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                if (attrs.isRegularFile()
                    && attrs.lastModifiedTime().toInstant().isBefore(before)) {
                  Files.deleteIfExists(file);
                  deleted[0]++;
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException e)
                  throws IOException {
                if (!dir.equals(logs)) {
                  try (Stream<Path> left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                      Files.deleteIfExists(dir);
                    }
                  }
                }
                return FileVisitResult.CONTINUE;
              }
            });
      }
    } catch (IOException e) {
      log.warn("pruning logs under {}: {}", workspaces, e.toString());
    }
    if (deleted[0] > 0) {
      log.info("pruned {} log files older than {} under {}", deleted[0], keep, workspaces);
    }
    return deleted[0];
  }
}
