package dev.amble.cli.parts;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.HostPort;
import dev.amble.cli.common.Invocation;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.server.CodecServer;
import dev.amble.server.LocalServer;
import dev.amble.worker.LocalTemporal;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
      "Every request needs a credential. Programs (the temporal CLI's --codec-endpoint, scripts)"
          + " send `Authorization: Bearer TOKEN`, the token read from the file"
          + " $AMBLE_CODEC_SERVER_TOKEN_FILE names (else the local server's"
          + " .amble/server/codec-server.token); the file must be readable by its owner only. A"
          + " browser is authorized once, by opening the one-time link `amble codec-server link`"
          + " (or `amble server`) prints: it gets a cookie (HttpOnly, SameSite=Strict) that the"
          + " Web UI's pages send, from --web-ui-origin only (CORS grants that origin alone)."
          + " Listens on 127.0.0.1 unless --listen says otherwise.",
      "",
      "  amble codec-server         serve",
      "  amble codec-server link    print a one-time link that authorizes a browser (valid 5"
          + " minutes, once), from the codec server at --listen",
      "",
      "In the Web UI: Settings (the gear) > Codec Server > the URL this prints, with \"Include"
          + " cross-origin credentials\" on.",
      ""
    })
public final class CodecServerCommand implements Callable<Integer> {
  static final int DEFAULT_PORT = LocalTemporal.WEB_UI_PORT + 1;
  static final String TOKEN_FILE = CodecServer.TOKEN_FILE_ENV;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "ACTION",
      defaultValue = "serve",
      description = "serve or link.")
  String action;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:" + DEFAULT_PORT,
      description =
          "Where to listen (link: where the codec server listens). Default: ${DEFAULT-VALUE}.")
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
    Invocation amble = Invocation.of(spec);
    PrintWriter err = spec.commandLine().getErr();
    if (action.equals("link")) {
      return link(amble, err);
    }
    if (!action.equals("serve")) {
      throw Exit.badInput("amble: codec-server: ACTION is serve or link, not " + action);
    }
    CodecKeys keys;
    String token;
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
        "amble codec-server at http://%s:%d for the Web UI at %s (keys from %s: current %s%s);"
            + " programs send the bearer token, browsers open the link `amble codec-server link`"
            + " prints.%n",
        server.address().getAddress().getHostAddress(),
        server.address().getPort(),
        webUiOrigin,
        keys.source(),
        keys.current().id(),
        keys.byId().size() > 1 ? ", " + (keys.byId().size() - 1) + " more to decrypt" : "");
    err.flush();
    stopped.await();
    return ExitCode.OK;
  }

  /** Asks the codec server at --listen for a one-time link and prints it (stdout). */
  private int link(Invocation amble, PrintWriter err) throws InterruptedException {
    String token;
    InetSocketAddress address;
    try {
      token = token(amble);
      address = address(listen);
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: codec-server link: " + e.getMessage());
    }
    URI server = URI.create("http://" + listen.replace("0.0.0.0", "127.0.0.1"));
    try {
      URI link = CodecServer.authorizeLink(server, token);
      spec.commandLine().getOut().println(link);
      err.printf(
          "Open it once in the browser that shows the Web UI (valid %d minutes, once).%n",
          CodecServer.CODE_LIFETIME.toMinutes());
      err.flush();
      return ExitCode.OK;
    } catch (IOException e) {
      throw Exit.badInput(
          "amble: codec-server link: "
              + e.getMessage()
              + " (is `amble codec-server` running at "
              + address.getHostString()
              + ":"
              + address.getPort()
              + "?)");
    }
  }

  /**
   * The bearer token, from the file the environment names (else the local server's); never from
   * argv. The file must be its owner's alone: whoever reads it decrypts every payload.
   */
  static String token(Invocation amble) {
    String named = amble.env().get(TOKEN_FILE);
    Path file;
    if (named == null || named.isBlank()) {
      file = amble.cwd().resolve(LocalServer.DEFAULT_CODEC_TOKEN);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "no token: set "
                + TOKEN_FILE
                + " to a file holding one (16 characters or more, readable by you alone), or run"
                + " it where `amble server` keeps its token ("
                + LocalServer.DEFAULT_CODEC_TOKEN
                + ")");
      }
    } else {
      file = amble.cwd().resolve(named);
    }
    try {
      if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream()
            .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          throw new IllegalArgumentException(
              "the token file "
                  + file
                  + " may be read by other users ("
                  + PosixFilePermissions.toString(mode)
                  + "): chmod 600 it");
        }
      }
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.length() < 16) {
        throw new IllegalArgumentException(
            "the token file " + file + " holds no token of 16 characters or more");
      }
      return token;
    } catch (IOException e) {
      throw new IllegalArgumentException("the token file " + file + " cannot be read");
    }
  }

  private static InetSocketAddress address(String hostPort) {
    return HostPort.parse(hostPort)
        .orElseThrow(
            () -> new IllegalArgumentException("--listen takes HOST:PORT, not " + hostPort));
  }
}
