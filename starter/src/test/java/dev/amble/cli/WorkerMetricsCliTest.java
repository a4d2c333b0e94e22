package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble worker --metrics-address}: an address it cannot serve ends the worker with exit code
 * 2 and one line naming the setting, before it connects to Temporal or polls (the endpoint itself,
 * scraped over a real walk: MetricsEndpointTest in the worker module).
 */
class WorkerMetricsCliTest {
  @TempDir Path dir;

  /** No Temporal answers here: an endpoint checked after connecting would fail with exit code 3. */
  static final Map<String, String> NO_TEMPORAL = Map.of("TEMPORAL_ADDRESS", "127.0.0.1:1");

  @Test
  void aTakenPortEndsTheWorkerBeforeItConnects() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      CliRun run = CliRun.run(dir, NO_TEMPORAL, "worker", "--metrics-address", address);
      assertEquals(ExitCode.BAD_INPUT, run.code(), run.toString());
      assertTrue(
          run.err()
              .startsWith("amble: --metrics-address: cannot serve metrics on " + address + ": "),
          run.toString());
      assertEquals(1, run.err().lines().count(), run.toString());
      assertFalse(run.err().contains("polling"), run.toString());
    }
  }

  @Test
  void aBadAddressFromTheEnvironmentNamesTheVariable() {
    Map<String, String> env =
        Map.of("TEMPORAL_ADDRESS", "127.0.0.1:1", "AMBLE_METRICS_ADDRESS", "9464");
    CliRun run = CliRun.run(dir, env, "worker");
    assertEquals(ExitCode.BAD_INPUT, run.code(), run.toString());
    assertTrue(
        run.err()
            .startsWith(
                "amble: AMBLE_METRICS_ADDRESS: metrics address '9464' is not HOST:PORT (e.g."
                    + " 127.0.0.1:9464 or :9464)"),
        run.toString());
  }

  @Test
  void helpNamesTheOptionAndTheVariable() {
    CliRun run = CliRun.run(dir, "worker", "--help");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("--metrics-address=HOST:PORT"), run.out());
    assertTrue(run.out().contains("$AMBLE_METRICS_ADDRESS"), run.out());
  }
}
