package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.worker.LocalTemporal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The real Temporal server of the e2e suite, started with {@code amble server} (which builds it
 * from its Go module the first time) into one data folder, and stopped when the tests end. Tests
 * kill it with SIGKILL and start it again on the same files.
 */
final class TemporalServerProcess {
  static final Path DATA = AmbleProcess.ROOT.resolve("e2e/target/temporal-server");

  /** Ports free when the suite chose them, so that no test assumes 7233 or 8233 is free. */
  static final int PORT = LocalTemporal.anyFreePort();

  static final int UI_PORT = otherFreePort(PORT);

  /** Where `amble server` starts `amble codec-server`, which the Web UI asks to decrypt. */
  static final int CODEC_PORT = otherFreePort(PORT, UI_PORT);

  static final String ADDRESS = LocalTemporal.address(PORT);
  static final String UI = LocalTemporal.webUiUrl(UI_PORT);
  private static boolean started;

  private TemporalServerProcess() {}

  /** Starts it unless it runs; the first call also registers a stop at the end of the tests. */
  static synchronized void ensureRunning() {
    if (!started) {
      // A fresh database for every run of the suite: rollouts of an earlier run would otherwise
      // still be there, running (that is the point of the durable tier).
      AmbleProcess.run(
          AmbleProcess.ROOT, Map.of(), 60, "server", "stop", "--data-dir", DATA.toString());
      try {
        dev.amble.ansible.WorkspaceDir.deleteTree(DATA);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
    Instant begin = Instant.now();
    AmbleProcess.Result r =
        AmbleProcess.run(
            AmbleProcess.ROOT,
            Map.of(),
            1200,
            "server",
            "--data-dir",
            DATA.toString(),
            "--port",
            Integer.toString(PORT),
            "--ui-port",
            Integer.toString(UI_PORT),
            "--codec-port",
            Integer.toString(CODEC_PORT));
    assertEquals(0, r.code(), "amble server: " + r);
    if (!started) {
      started = true;
      System.out.printf(
          "e2e: amble server took %ds%n%s%n",
          Duration.between(begin, Instant.now()).toSeconds(), r.err());
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () ->
                      AmbleProcess.run(
                          AmbleProcess.ROOT,
                          Map.of(),
                          60,
                          "server",
                          "stop",
                          "--data-dir",
                          DATA.toString())));
    }
  }

  /**
   * Stops the suite's server, if it runs, for a test that runs a server of its own: the local
   * server's internal ports are fixed, so two cannot run at once. The next {@link #ensureRunning}
   * starts it again on the same data.
   */
  static synchronized void stopForAnotherServer() {
    if (started) {
      AmbleProcess.Result r =
          AmbleProcess.run(
              AmbleProcess.ROOT, Map.of(), 60, "server", "stop", "--data-dir", DATA.toString());
      assertEquals(0, r.code(), "amble server stop: " + r);
    }
  }

  /** A free port, none of {@code taken} (ports picked before, not listened on yet). */
  static int otherFreePort(int... taken) {
    while (true) {
      int port = LocalTemporal.anyFreePort();
      if (java.util.Arrays.stream(taken).noneMatch(t -> t == port)) {
        return port;
      }
    }
  }

  /** SIGKILL, as a crash would: no shutdown of any kind. */
  static void kill() throws Exception {
    long pid = Long.parseLong(Files.readString(DATA.resolve("server.pid")).strip());
    ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    server.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Stubs to the suite's server, without any key: the caller shuts them down. */
  static io.temporal.serviceclient.WorkflowServiceStubs stubs() {
    return io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
        io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder()
            .setTarget(ADDRESS)
            .build());
  }

  static Map<String, String> env(String taskQueue) {
    return Map.of("TEMPORAL_ADDRESS", ADDRESS, "AMBLE_TASK_QUEUE", taskQueue);
  }
}
