package dev.amble.cli;

import dev.amble.worker.LocalTemporal;
import dev.amble.worker.TemporalConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code amble ARGS --embedded} in the background, its server on a loopback port that was free when
 * the test chose it (never a fixed port another program, or another build, may hold).
 */
record EmbeddedRun(CompletableFuture<CliRun> run, String address) {
  static EmbeddedRun start(Path dir, String... args) {
    return start(dir, Map.of(), args);
  }

  /** With {@code env} added to the command's environment. */
  static EmbeddedRun start(Path dir, Map<String, String> env, String... args) {
    int port = LocalTemporal.anyFreePort();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--embedded", "--embedded-port", Integer.toString(port)));
    String[] argv = all.toArray(String[]::new);
    return new EmbeddedRun(
        CompletableFuture.supplyAsync(() -> CliRun.run(dir, env, argv)),
        LocalTemporal.address(port));
  }

  /** Waits until the embedded server answers a request (GetSystemInfo); returns its address. */
  String awaitAddress() throws InterruptedException {
    TemporalConnection there =
        TemporalConnection.fromEnvironment(Map.of(), Optional.of(address), Optional.empty());
    for (int i = 0; i < 600; i++) {
      if (run.isDone()) {
        throw new AssertionError("the run ended before its server answered: " + run.join());
      }
      try {
        there.connect().shutdownNow();
        return address;
      } catch (TemporalConnection.UnreachableException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the embedded server never answered on " + address);
  }
}
