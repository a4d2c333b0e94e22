package dev.amble.cli.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A fault logged by a worker in the CLI's process (the SDK's "Activity failure", say) is one line
 * on the terminal, its innermost cause included; the stack trace goes to the worker's log file.
 */
class WorkerLogTest {
  @Test
  void aFaultIsOneLineOnTheTerminalAndWholeInTheLog() throws Exception {
    PrintStream terminal = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    Path log = WorkerLog.start("test").orElseThrow();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LoggerFactory.getLogger("io.temporal.internal.activity.ActivityTaskExecutors")
          .warn(
              "Activity failure. ActivityId=1, activityType=PlanPages, attempt=2",
              new RuntimeException(
                  "wrapped",
                  new IllegalStateException("ansible-inventory failed (exit 1):\nno such file")));
    } finally {
      System.setErr(terminal);
    }
    String err = captured.toString(StandardCharsets.UTF_8);
    try {
      assertEquals(1, err.lines().count(), err);
      assertTrue(
          err.contains(
              "Activity failure. ActivityId=1, activityType=PlanPages, attempt=2: IllegalStateException:"
                  + " ansible-inventory failed (exit 1): no such file"),
          err);
      assertFalse(err.contains("\tat "), err);
      String file = Files.readString(log);
      assertTrue(file.contains("Activity failure") && file.contains("\tat "), file);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
