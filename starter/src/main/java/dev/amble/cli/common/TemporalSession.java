package dev.amble.cli.common;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.VaultPassword;
import dev.amble.codec.CodecKeys;
import dev.amble.worker.AmbleWorker;
import dev.amble.worker.EmbeddedTemporal;
import dev.amble.worker.SearchAttributeSetup;
import dev.amble.worker.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A command's connection to Temporal: a real server, or with --embedded Temporal's test server and
 * a worker inside this process (nothing survives it, and the command says so).
 */
public final class TemporalSession implements AutoCloseable {
  /** What run and check add to "Temporal is unreachable": they can run one themselves. */
  private static final String OR_EMBEDDED =
      ",\n  or add --embedded to run one inside this command (nothing survives it).";

  public final WorkflowClient client;
  public final String taskQueue;
  public final String address;

  /**
   * amble's search attributes missing from the namespace (the rollout sets them only when none is);
   * empty when the server could not be asked.
   */
  public final Optional<List<String>> missingSearchAttributes;

  private final WorkflowServiceStubs stubs;
  private final Optional<EmbeddedTemporal> embedded;
  private final Optional<WorkerFactory> worker;
  private final Optional<CodecKeys> codecKeys;

  private TemporalSession(
      WorkflowClient client,
      String taskQueue,
      String address,
      WorkflowServiceStubs stubs,
      Optional<EmbeddedTemporal> embedded,
      Optional<WorkerFactory> worker,
      Optional<List<String>> missingSearchAttributes,
      Optional<CodecKeys> codecKeys) {
    this.codecKeys = codecKeys;
    this.client = client;
    this.missingSearchAttributes = missingSearchAttributes;
    this.taskQueue = taskQueue;
    this.address = address;
    this.stubs = stubs;
    this.embedded = embedded;
    this.worker = worker;
  }

  public boolean searchAttributes() {
    return missingSearchAttributes.map(List::isEmpty).orElse(false);
  }

  public boolean isEmbedded() {
    return embedded.isPresent();
  }

  /** The keys its payloads are encrypted with, if any. */
  public Optional<CodecKeys> codecKeys() {
    return codecKeys;
  }

  /** Whether the payloads this session's client writes are encrypted. */
  public boolean encrypted() {
    return client.getOptions().getDataConverter() instanceof CodecDataConverter;
  }

  /** How payloads are written, for a start line: the current key's ID, or "not encrypted". */
  public String encryption() {
    return codecKeys
        .map(
            k ->
                "payloads encrypted with key "
                    + k.current().id()
                    + (k.byId().size() > 1 ? " (+" + (k.byId().size() - 1) + " to decrypt)" : ""))
        .orElse("payloads not encrypted");
  }

  /**
   * Connects to the configured server, or ends the command: exit code 3 (and what to start) when it
   * does not answer, 2 for a bad setting or a namespace it does not have.
   */
  public static TemporalSession connect(Invocation amble, TemporalOptions options) {
    return connect(amble, options, ".", new NoopScope());
  }

  /**
   * The same, Temporal's SDK metrics (and a worker's on this client) reported to {@code metrics}.
   */
  public static TemporalSession connect(Invocation amble, TemporalOptions options, Scope metrics) {
    return connect(amble, options, ".", metrics);
  }

  private static TemporalSession connect(
      Invocation amble, TemporalOptions options, String unreachableEnd, Scope metrics) {
    TemporalConnection connection;
    WorkflowServiceStubs stubs;
    try {
      connection =
          TemporalConnection.fromEnvironment(
              amble.env(), options.address(), options.namespace(), amble.cwd());
      stubs = connection.connect(metrics);
    } catch (TemporalConnection.UnreachableException e) {
      if (e.refused()) {
        throw new Exit(ExitCode.NO_TEMPORAL, "amble: " + e.getMessage());
      }
      throw new Exit(
          ExitCode.NO_TEMPORAL,
          "amble: "
              + e.getMessage()
              + ".\n  Start a durable local server with `amble server` (or point TEMPORAL_ADDRESS at yours)"
              + unreachableEnd);
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: " + e.getMessage());
    }
    requireNamespace(stubs, connection, options.namespaceFrom(amble.env()));
    return new TemporalSession(
        connection.client(stubs),
        options.taskQueue(amble.env()),
        connection.address(),
        stubs,
        Optional.empty(),
        Optional.empty(),
        SearchAttributeSetup.missing(stubs, connection.namespace()),
        connection.codecKeys());
  }

  /**
   * Ends the command (exit code 2) when the server has no such namespace: every later call would
   * fail with NOT_FOUND. Any other answer (say, a key that may not describe it) lets it go on.
   *
   * @param from which setting named the namespace (see {@link TemporalOptions#namespaceFrom})
   */
  private static void requireNamespace(
      WorkflowServiceStubs stubs, TemporalConnection connection, String from) {
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .describeNamespace(
              DescribeNamespaceRequest.newBuilder().setNamespace(connection.namespace()).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        stubs.shutdownNow();
        throw Exit.badInput(
            "amble: namespace "
                + connection.namespace()
                + " does not exist at "
                + connection.address()
                + " ("
                + from
                + ")");
      }
    }
  }

  /**
   * Temporal's test server and an amble worker, both in this process: on {@code port} (0: any free
   * one), else on the default port if free, else on any free one.
   */
  static TemporalSession embedded(
      Invocation amble,
      TemporalOptions options,
      OptionalInt port,
      Optional<BecomePassword> become,
      Optional<VaultPassword> vault,
      PrintWriter err) {
    AnsibleInstallation ansible = amble.ansible();
    Optional<CodecKeys> keys;
    try {
      keys = CodecKeys.fromEnvironment(amble.env(), amble.cwd());
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: " + e.getMessage());
    }
    EmbeddedTemporal server;
    try {
      server = port.isPresent() ? EmbeddedTemporal.on(port.getAsInt()) : EmbeddedTemporal.start();
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: --embedded-port: " + e.getMessage());
    }
    Optional<Path> log = WorkerLog.start("embedded");
    WorkflowServiceStubs stubs = server.stubs();
    SearchAttributeSetup.register(stubs, "default", SearchAttributeSetup.NAMES);
    WorkflowClient client =
        TemporalConnection.plain(server.address(), "default").withCodecKeys(keys).client(stubs);
    String queue = options.taskQueue(amble.env());
    WorkerFactory factory =
        AmbleWorker.start(
            AmbleWorker.refusingPlaintext(client, keys),
            // The embedded worker is on the CLI's machine: it keeps the workspaces' logs where
            // the CLI does, in the Amblefile's folder, and its copies of content beside them.
            new AmbleWorker.Settings(
                    queue,
                    AmbleWorker.DEFAULT_PARALLEL_ANSIBLE,
                    become,
                    Identity.controller("embedded"),
                    Path.of(amble.amblefile().folder(), ".amble", ".content"),
                    Path.of(amble.amblefile().folder(), ".amble"))
                .withVaultPassword(vault),
            ansible,
            amble.env());
    err.printf(
        "amble: embedded Temporal at %s, in memory: nothing survives this command. Other terminals reach"
            + " it with TEMPORAL_ADDRESS=%s while it runs.%s%n",
        server.address(),
        server.address(),
        log.map(f -> " Its worker logs to " + f + ".").orElse(""));
    err.flush();
    return new TemporalSession(
        client,
        queue,
        server.address(),
        stubs,
        Optional.of(server),
        Optional.of(factory),
        Optional.of(List.of()),
        keys);
  }

  public static TemporalSession open(
      Invocation amble,
      TemporalOptions options,
      boolean embedded,
      OptionalInt embeddedPort,
      Optional<BecomePassword> become,
      Optional<VaultPassword> vault,
      PrintWriter err) {
    return embedded
        ? embedded(amble, options, embeddedPort, become, vault, err)
        : connect(amble, options, OR_EMBEDDED, new NoopScope());
  }

  @Override
  public void close() {
    worker.ifPresent(
        f -> {
          f.shutdownNow();
          f.awaitTermination(5, TimeUnit.SECONDS);
        });
    stubs.shutdownNow();
    embedded.ifPresent(EmbeddedTemporal::close);
  }
}
