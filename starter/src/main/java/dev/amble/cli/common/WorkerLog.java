package dev.amble.cli.common;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.amble.ansible.AnsibleInstallation;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The log of a worker in this process ({@code amble worker}, or a command with --embedded):
 * everything logged, stack traces too, goes to a file in the user's cache folder ({@code
 * ~/.cache/amble/logs/}); the terminal gets one line per fault (see logback.xml).
 */
public final class WorkerLog {
  private static final String APPENDER = "WORKER_FILE";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private WorkerLog() {}

  /** Starts logging to a new file named for {@code who}; returns it, empty if not logback. */
  public static Optional<Path> start(String who) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return Optional.empty();
    }
    Path file =
        AnsibleInstallation.cacheFolder()
            .resolve("logs")
            .resolve(
                who
                    + "-"
                    + STAMP.format(ZonedDateTime.now(ZoneOffset.UTC))
                    + "-"
                    + ProcessHandle.current().pid()
                    + ".log");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName(APPENDER);
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    Optional.ofNullable(root.getAppender(APPENDER))
        .ifPresent(
            earlier -> {
              root.detachAppender(earlier);
              earlier.stop();
            });
    root.addAppender(appender);
    return Optional.of(file);
  }
}
