package dev.amble.cli.parts;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.server.LocalServer;
import dev.amble.server.TlsCertificates;
import dev.amble.worker.LocalTemporal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amble server}: the durable local tier, a real Temporal server and its Web UI. */
@Command(
    header = "Runs a durable local Temporal server and its Web UI.",
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a real Temporal server on this machine, persisting to SQLite under --data-dir, and the"
          + " Temporal Web UI beside it, both on 127.0.0.1 (server --port, UI --ui-port)."
          + " They run detached: they outlive this command. Rollouts survive crashes of the worker, the"
          + " CLI and the server itself.",
      "",
      "The first use builds both from their Go modules (Go 1.26.4+ needed; about 5 minutes) into"
          + " $AMBLE_CACHE (default ~/.cache/amble). Creates the namespace `default` and amble's search"
          + " attributes. Idempotent: a second `amble server` finds them running.",
      "",
      "Its first start creates the payload key codec.key in --data-dir (mode 0600): the CLI and"
          + " workers run from this folder encrypt with it (elsewhere: AMBLE_CODEC_KEY_FILE). It"
          + " starts `amble codec-server` beside the Web UI (--codec-port, default the UI's port"
          + " + 1), with that key (or the keys AMBLE_CODEC_KEYS names), so that the UI shows what"
          + " amble encrypted. The codec server answers programs with the bearer token in"
          + " codec-server.token (created 0600 in --data-dir) and browsers holding its cookie: each"
          + " start prints a one-time link that gives the Web UI's browser that cookie.",
      "",
      "The Web UI cannot start, reset, terminate or pause workflows, nor run batch actions (amble"
          + " needs none of them); signals, updates and cancel stay on.",
      "",
      "With --tls the server requires TLS and a client certificate (mTLS): the first start creates a"
          + " CA, the server's certificate (127.0.0.1, localhost) and client certificates in --tls-dir"
          + " (default: tls/ in --data-dir; keys mode 0600), or takes those the folder holds (ca.pem,"
          + " server.pem, server.key, client.pem, client.key). The Web UI connects with its own"
          + " certificate; the CLI and workers with the TEMPORAL_TLS_* settings it prints.",
      "",
      "  amble server          start (or find) both",
      "  amble server --tls    the same, with mTLS",
      "  amble server certs    only create (or check) the certificates, for a server of yours"
          + " (docker-compose.temporal-tls.yml)",
      "  amble server stop     stop them",
      "  amble server status   whether each runs",
      ""
    })
public final class ServerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "ACTION",
      defaultValue = "start",
      description = "start, stop, status or certs.")
  String action;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".amble/server",
      description = "Database, logs and pid files. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "" + LocalTemporal.FRONTEND_PORT,
      description = "The server's frontend (gRPC) port on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      defaultValue = "" + LocalTemporal.WEB_UI_PORT,
      description = "The Web UI's port on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int uiPort;

  @Option(
      names = "--codec-port",
      paramLabel = "PORT",
      description =
          "The port on 127.0.0.1 of the codec server the Web UI asks to decrypt (`amble"
              + " codec-server`, started beside it). Default: the UI's port + 1.")
  Optional<Integer> codecPort = Optional.empty();

  @Option(names = "--tls", description = "Require TLS and client certificates (mTLS); see above.")
  boolean tls;

  @Option(
      names = "--tls-dir",
      paramLabel = "DIR",
      description =
          "Where the certificates are, or are created if it has no ca.pem (implies --tls)."
              + " Default: tls/ in --data-dir.")
  Path tlsDir;

  @Option(
      names = "--tls-name",
      paramLabel = "NAME",
      description =
          "A name (or IP address) the server's certificate is valid for besides 127.0.0.1 and"
              + " localhost, for workers on other machines; repeatable. Implies --tls.")
  List<String> tlsNames = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    Invocation amble = Invocation.of(spec);
    LocalServer.Ports ports;
    try {
      ports =
          codecPort
              .map(codec -> new LocalServer.Ports(port, uiPort, codec))
              .orElseGet(() -> new LocalServer.Ports(port, uiPort));
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: server: " + e.getMessage());
    }
    LocalServer server =
        new LocalServer(
            dataDir,
            LocalServer.defaultBin(amble.env()),
            spec.commandLine().getErr(),
            amble.env(),
            ports,
            tls || tlsDir != null || !tlsNames.isEmpty()
                ? Optional.of(certificates())
                : Optional.empty());
    try {
      switch (action) {
        case "start" -> server.start();
        case "stop" -> server.stop();
        case "certs" -> {
          TlsCertificates certificates = certificates();
          boolean created;
          try {
            created = certificates.ensure(java.time.Instant.now());
          } catch (IllegalArgumentException e) {
            throw Exit.badInput("amble: server certs: " + e.getMessage());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          PrintWriter out = spec.commandLine().getOut();
          out.printf(
              "%s certificates in %s (server: 127.0.0.1, localhost%s). Clients connect with:%n",
              created ? "Created the" : "Checked the",
              certificates.dir(),
              tlsNames.stream().map(n -> ", " + n).collect(java.util.stream.Collectors.joining()));
          certificates.clientEnvironment().forEach((k, v) -> out.printf("export %s=%s%n", k, v));
          out.flush();
        }
        case "status" -> {
          var s = server.status();
          spec.commandLine()
              .getOut()
              .printf(
                  "Temporal server: %s%nWeb UI: %s%nCodec server: %s%n",
                  s.get("server"), s.get("ui"), s.get("codec"));
          return s.get("server").startsWith("running") ? ExitCode.OK : ExitCode.NO_TEMPORAL;
        }
        default ->
            throw Exit.badInput(
                "amble: server takes start, stop, status or certs, not \"" + action + "\"");
      }
    } catch (LocalServer.ServerException e) {
      throw new Exit(ExitCode.NO_TEMPORAL, "amble: " + e.getMessage());
    }
    return ExitCode.OK;
  }

  private TlsCertificates certificates() {
    try {
      return new TlsCertificates(
          tlsDir != null ? tlsDir : LocalServer.defaultTlsDir(dataDir), tlsNames);
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: server: --tls-name: " + e.getMessage());
    }
  }
}
