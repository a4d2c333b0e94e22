package dev.amble.cli.common;

import dev.amble.worker.AmbleWorker;
import dev.amble.worker.LocalTemporal;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where Temporal is: options, else the standard environment variables. */
public final class TemporalOptions {
  @Option(
      names = "--address",
      paramLabel = "HOST:PORT",
      description =
          "Temporal's frontend. Default: $TEMPORAL_ADDRESS, else "
              + LocalTemporal.DEFAULT_ADDRESS
              + ".")
  String address;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      description = "Temporal namespace. Default: $TEMPORAL_NAMESPACE, else default.")
  String namespace;

  @Option(
      names = "--task-queue",
      paramLabel = "NAME",
      description = "The task queue amble's workers poll. Default: $AMBLE_TASK_QUEUE, else amble.")
  String taskQueue;

  Optional<String> address() {
    return Optional.ofNullable(address);
  }

  Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /** Which setting named the namespace, for a message: the option, the variable, or none. */
  String namespaceFrom(Map<String, String> env) {
    if (namespace != null) {
      return "set by --namespace";
    }
    return env.getOrDefault("TEMPORAL_NAMESPACE", "").isBlank()
        ? "the default; set TEMPORAL_NAMESPACE or --namespace"
        : "set by TEMPORAL_NAMESPACE";
  }

  String taskQueue(Map<String, String> env) {
    if (taskQueue != null) {
      return taskQueue;
    }
    String fromEnv = env.get("AMBLE_TASK_QUEUE");
    return fromEnv == null || fromEnv.isBlank() ? AmbleWorker.DEFAULT_TASK_QUEUE : fromEnv;
  }
}
