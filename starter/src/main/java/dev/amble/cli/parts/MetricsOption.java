package dev.amble.cli.parts;

import dev.amble.cli.common.Exit;
import dev.amble.worker.MetricsEndpoint;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --metrics-address}: the worker's Prometheus endpoint, off unless set. */
final class MetricsOption {
  @Option(
      names = "--metrics-address",
      paramLabel = "HOST:PORT",
      description =
          "Serve Prometheus metrics at http://HOST:PORT/metrics (port 0: any free one, printed in"
              + " the start line). Default: $"
              + MetricsEndpoint.ENV
              + ", else none.")
  String address;

  /**
   * The endpoint, serving already; empty when neither the option nor the variable is set. Ends the
   * command (exit code 2) for an address that is not HOST:PORT or that it cannot bind.
   */
  Optional<MetricsEndpoint> start(Map<String, String> env) {
    String from = address != null ? "--metrics-address" : MetricsEndpoint.ENV;
    try {
      return MetricsEndpoint.address(Optional.ofNullable(address), env).map(MetricsEndpoint::start);
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: " + from + ": " + e.getMessage());
    }
  }
}
