package dev.amble.cli;

import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.server.CodecServer;
import dev.amble.worker.LocalTemporal;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amble codec-server}: the Web UI reads encrypted payloads through it. */
@Command(
    name = "codec-server",
    header = "Decrypts payloads for the Temporal Web UI (Temporal's codec-server protocol).",
    mixinStandardHelpOptions = true,
    description = {
      "Serves POST /decode and POST /encode with the payload keys of this process"
          + " ($AMBLE_CODEC_KEYS, $AMBLE_CODEC_KEY_FILE, else the local server's key under"
          + " .amble/server), until stopped.",
      "",
      "Browser requests are answered only from --web-ui-origin (CORS grants that origin alone)."
          + " Programs (the temporal CLI's --codec-endpoint, scripts) send `Authorization: Bearer"
          + " TOKEN`, the token read from the file $AMBLE_CODEC_SERVER_TOKEN_FILE names; without"
          + " it they are refused. Listens on 127.0.0.1 unless --listen says otherwise: anyone who"
          + " reaches it with an accepted origin reads every payload.",
      "",
      "In the Web UI: Settings (the gear) > Codec Server > the URL this prints.",
      ""
    })
final class CodecServerCommand implements Callable<Integer> {
  static final int DEFAULT_PORT = LocalTemporal.WEB_UI_PORT + 1;
  static final String TOKEN_FILE = "AMBLE_CODEC_SERVER_TOKEN_FILE";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:" + DEFAULT_PORT,
      description = "Where to listen. Default: ${DEFAULT-VALUE}.")
  String listen;

  @Option(
      names = "--web-ui-origin",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:" + LocalTemporal.WEB_UI_PORT,
      description =
          "The Web UI's origin (scheme, host, port) as the browser shows it; browser requests from"
              + " any other origin are refused. Default: ${DEFAULT-VALUE}.")
  String webUiOrigin;

  @Override
  public Integer call() throws InterruptedException {
    Amble amble = Amble.of(spec);
    PrintWriter err = spec.commandLine().getErr();
    CodecKeys keys;
    Optional<String> token;
    InetSocketAddress address;
    try {
      keys =
          CodecKeys.fromEnvironment(amble.env(), amble.cwd())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "no payload key: set "
                              + CodecKeys.KEY_FILE
                              + " or "
                              + CodecKeys.KEYS
                              + " (or run it where `amble server` keeps its key)"));
      token = token(amble);
      address = address(listen);
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: codec-server: " + e.getMessage());
    }
    CodecServer server;
    try {
      server = CodecServer.start(address, new EncryptionCodec(keys), webUiOrigin, token);
    } catch (IOException e) {
      throw Exit.badInput(
          "amble: codec-server: cannot listen on " + listen + ": " + e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    err.printf(
        "amble codec-server at http://%s:%d for the Web UI at %s (keys from %s: current %s%s)%s.%n",
        server.address().getAddress().getHostAddress(),
        server.address().getPort(),
        webUiOrigin,
        keys.source(),
        keys.current().id(),
        keys.byId().size() > 1 ? ", " + (keys.byId().size() - 1) + " more to decrypt" : "",
        token.isPresent() ? "; programs with the bearer token too" : "");
    err.flush();
    stopped.await();
    return ExitCode.OK;
  }

  /** The bearer token for programs, from the file the environment names; never from argv. */
  private static Optional<String> token(Amble amble) {
    String file = amble.env().get(TOKEN_FILE);
    if (file == null || file.isBlank()) {
      return Optional.empty();
    }
    try {
      String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            TOKEN_FILE + " names " + file + ", which holds no token of 16 characters or more");
      }
      return Optional.of(token);
    } catch (IOException e) {
      throw new IllegalArgumentException(TOKEN_FILE + " names " + file + ", which cannot be read");
    }
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon < 1) {
        throw new NumberFormatException();
      }
      String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--listen takes HOST:PORT, not " + hostPort);
    }
  }
}
