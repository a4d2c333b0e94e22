package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble schedule} where no real server is needed: its options are checked before anything is
 * asked of Temporal (exit 2 naming the option), and Temporal's test server, which has no schedules,
 * is told apart from a server that fails.
 */
class ScheduleCliTest {
  @TempDir Path dir;

  @BeforeEach
  void amblefile() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
  }

  /** Runs against a closed port: a command that reached for Temporal would end with exit 3. */
  private CliRun offline(String... args) throws IOException {
    return CliRun.run(dir, Map.of("TEMPORAL_ADDRESS", TemporalTroubleCliTest.closedPort()), args);
  }

  @Test
  void aBadCronIsBadInputNamingTheOption() throws IOException {
    CliRun run = offline("schedule", "create", "nightly", "-w", "fleet", "--cron", "0 25 * * *");
    assertEquals(2, run.code(), run.toString());
    assertTrue(run.err().startsWith("amble: --cron \"0 25 * * *\": hour \"25\""), run.err());

    CliRun missing = offline("schedule", "create", "nightly", "-w", "fleet");
    assertEquals(2, missing.code(), missing.toString());
    assertTrue(missing.err().contains("--cron is required"), missing.err());
  }

  @Test
  void anUnknownTimeZoneIsBadInputNamingTheOption() throws IOException {
    CliRun run =
        offline(
            "schedule",
            "create",
            "nightly",
            "-w",
            "fleet",
            "--cron",
            "0 2 * * mon",
            "--time-zone",
            "Mars/Olympus_Mons");
    assertEquals(2, run.code(), run.toString());
    assertTrue(
        run.err().startsWith("amble: --time-zone Mars/Olympus_Mons: not an IANA"), run.err());
  }

  @Test
  void badDurationsAndRunOptionsAreBadInput() throws IOException {
    CliRun catchUp =
        offline(
            "schedule",
            "create",
            "n",
            "-w",
            "fleet",
            "--cron",
            "@daily",
            "--catch-up-window",
            "5s");
    assertEquals(2, catchUp.code(), catchUp.toString());
    assertTrue(
        catchUp.err().startsWith("amble: --catch-up-window 5s: at least 10s"), catchUp.err());
    CliRun jitter =
        offline("schedule", "create", "n", "-w", "fleet", "--cron", "@daily", "--jitter", "soon");
    assertEquals(2, jitter.code(), jitter.toString());
    assertTrue(jitter.err().startsWith("amble: --jitter soon: not a duration"), jitter.err());
    CliRun concurrency =
        offline("schedule", "create", "n", "-w", "fleet", "--cron", "@daily", "--concurrency", "0");
    assertEquals(2, concurrency.code(), concurrency.toString());
    CliRun embedded =
        offline("schedule", "create", "n", "-w", "fleet", "--cron", "@daily", "--embedded");
    assertEquals(2, embedded.code(), "no --embedded on schedules: " + embedded);
  }

  /** Temporal's test server (what --embedded runs) has no schedules: each command says so. */
  @Test
  void theTestServerHasNoSchedules() {
    try (TestTemporal temporal = TestTemporal.start()) {
      for (List<String> args :
          List.of(
              List.of("schedule", "list"),
              List.of("schedule", "describe", "nightly"),
              List.of("schedule", "create", "nightly", "-w", "fleet", "--cron", "@daily"),
              List.of("schedule", "update", "nightly"),
              List.of("schedule", "pause", "nightly"),
              List.of("schedule", "unpause", "nightly"),
              List.of("schedule", "trigger", "nightly"),
              List.of("schedule", "delete", "nightly"))) {
        CliRun run = CliRun.run(dir, temporal.env(), args.toArray(String[]::new));
        assertEquals(2, run.code(), args + ": " + run);
        assertTrue(
            run.err()
                .startsWith(
                    "amble: the Temporal server at "
                        + temporal.address
                        + " has no schedules: it is Temporal's test server"),
            args + ": " + run.err());
      }
    }
  }

  @Test
  void helpSaysTheDefaults() {
    CliRun help = CliRun.run(dir, "schedule", "create", "--help");
    assertEquals(0, help.code(), help.toString());
    assertTrue(
        help.out().contains("Defaults: --time-zone UTC, --catch-up-window 1h, --jitter 0s."),
        help.out());
    assertTrue(!help.out().contains("--embedded"), "no --embedded on schedules");
    assertTrue(!help.out().contains("--detach"), help.out());
  }
}
