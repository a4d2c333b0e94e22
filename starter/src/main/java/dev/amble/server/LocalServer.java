package dev.amble.server;

import com.google.protobuf.util.Durations;
import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.worker.LocalTemporal;
import dev.amble.worker.SearchAttributeSetup;
import dev.amble.worker.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Temporal server persisting to SQLite, and its Web UI, on this machine: built once from
 * their Go modules, started detached (they outlive the command), stopped by pid. The durable local
 * tier: worker, CLI and server can all crash and restart without losing a rollout.
 */
public final class LocalServer {
  /** The Go programs amble builds (go-programs.properties, which scripts/test reads too). */
  private static final java.util.Properties GO_PROGRAMS = goPrograms();

  public static final String SERVER_MODULE = goProgram("server.module");
  public static final String SERVER_VERSION = goProgram("server.version");
  public static final String UI_MODULE = goProgram("ui.module");
  public static final String UI_VERSION = goProgram("ui.version");
  public static final String NAMESPACE = "default";

  /** The codec server's bearer token, in the data folder (mode 0600). */
  public static final String CODEC_TOKEN_NAME = "codec-server.token";

  /** The token under the default data folder, relative to the working folder. */
  public static final Path DEFAULT_CODEC_TOKEN = Path.of(".amble", "server", CODEC_TOKEN_NAME);

  private final Path data;
  private final Path bin;
  private final PrintWriter log;
  private final Map<String, String> env;
  private final Ports ports;
  private final Optional<TlsCertificates> requestedTls;

  /**
   * The loopback ports of the server's frontend (gRPC), of the Web UI, and of the codec server the
   * Web UI asks to decrypt (`amble codec-server`, which `amble server` starts beside the UI).
   */
  public record Ports(int frontend, int webUi, int codecServer) {
    public static final Ports DEFAULT =
        new Ports(LocalTemporal.FRONTEND_PORT, LocalTemporal.WEB_UI_PORT);

    public Ports {
      for (int port : new int[] {frontend, webUi, codecServer}) {
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("port " + port + " is not a TCP port (1 to 65535)");
        }
      }
      if (frontend == webUi) {
        throw new IllegalArgumentException(
            "the server and the Web UI cannot share port " + frontend);
      }
      if (codecServer == frontend || codecServer == webUi) {
        throw new IllegalArgumentException(
            "the codec server cannot share port "
                + codecServer
                + " with the "
                + (codecServer == webUi ? "Web UI" : "server"));
      }
    }

    /** The codec server on the UI's port + 1. */
    public Ports(int frontend, int webUi) {
      this(frontend, webUi, webUi + 1);
    }

    public String address() {
      return LocalTemporal.address(frontend);
    }

    public String webUiUrl() {
      return LocalTemporal.webUiUrl(webUi);
    }

    public String codecServerUrl() {
      return "http://127.0.0.1:" + codecServer;
    }
  }

  /**
   * @param data where the database, configs, logs and pid files live ({@code .amble/server/})
   * @param bin where the built binaries are kept (shared by every project on the machine)
   * @param ports where the server and its Web UI listen (on 127.0.0.1)
   */
  public LocalServer(Path data, Path bin, PrintWriter log, Map<String, String> env, Ports ports) {
    this(data, bin, log, env, ports, Optional.empty());
  }

  /**
   * @param tls where the certificates are (created there if it has none) when the server is to
   *     require TLS and client certificates (mTLS); empty: plain text
   */
  public LocalServer(
      Path data,
      Path bin,
      PrintWriter log,
      Map<String, String> env,
      Ports ports,
      Optional<TlsCertificates> tls) {
    this.data = data.toAbsolutePath();
    this.bin = bin.toAbsolutePath();
    this.log = log;
    this.env = env;
    this.ports = ports;
    this.requestedTls = tls;
  }

  /** The default folder of the certificates: {@code tls/} in the data folder. */
  public static Path defaultTlsDir(Path data) {
    return data.toAbsolutePath().resolve("tls");
  }

  /**
   * The certificates the running server uses (recorded at its start), or else those asked for: a
   * second {@code amble server} talks to the server it finds the way that server was started.
   */
  private Optional<TlsCertificates> tls() {
    if (running("server").isPresent()) {
      try {
        return Optional.of(Files.readString(tlsMarker()).strip())
            .map(dir -> new TlsCertificates(Path.of(dir)));
      } catch (IOException notTls) {
        return Optional.empty();
      }
    }
    return requestedTls;
  }

  private Path tlsMarker() {
    return data.resolve("tls-dir");
  }

  /** How amble talks to this server: mTLS with the client certificate, or plain text. */
  TemporalConnection connection(Optional<TlsCertificates> tls) {
    return tls.map(
            t ->
                TemporalConnection.mtls(
                    ports.address(), NAMESPACE, t.clientCert(), t.clientKey(), t.ca()))
        .orElseGet(() -> TemporalConnection.plain(ports.address(), NAMESPACE));
  }

  public static Path defaultBin(Map<String, String> env) {
    String cache = env.getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache");
    return Path.of(env.getOrDefault("AMBLE_CACHE", cache + "/amble"), "temporal-" + SERVER_VERSION);
  }

  Path serverBinary() {
    return bin.resolve(goProgram("server.file"));
  }

  Path uiBinary() {
    return bin.resolve(goProgram("ui.file"));
  }

  private static java.util.Properties goPrograms() {
    java.util.Properties p = new java.util.Properties();
    try (var in = LocalServer.class.getResourceAsStream("go-programs.properties")) {
      p.load(java.util.Objects.requireNonNull(in, "go-programs.properties"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A key of go-programs.properties (the build's flags: words split on spaces). */
  public static String goProgram(String key) {
    return java.util.Objects.requireNonNull(GO_PROGRAMS.getProperty(key), key).strip();
  }

  /** The flags of {@code go install} for a program of go-programs.properties. */
  public static List<String> goFlags(String program) {
    String flags = goProgram(program + ".flags");
    return flags.isEmpty() ? List.of() : List.of(flags.split(" +"));
  }

  /** Starts what is not running; a second call finds both running and says so. */
  public void start() throws InterruptedException {
    ensureBuilt(
        serverBinary(), SERVER_MODULE, SERVER_VERSION, goFlags("server"), "Temporal server");
    ensureBuilt(uiBinary(), UI_MODULE, UI_VERSION, goFlags("ui"), "Temporal Web UI");
    Optional<TlsCertificates> tls;
    try {
      Files.createDirectories(data);
      ensureCodecKey();
      tls = tls();
      if (tls.isPresent()
          && !tls.map(TlsCertificates::dir).equals(requestedTls.map(TlsCertificates::dir))
          && running("server").isPresent()) {
        log.printf("The running server uses TLS with the certificates in %s.%n", tls.get().dir());
      } else if (tls.isEmpty() && requestedTls.isPresent()) {
        throw new ServerException(
            "the Temporal server already runs without TLS; stop it (`amble server stop`) and"
                + " start it again with --tls");
      }
      if (tls.isPresent()) {
        ensureCertificates(tls.get());
      }
      startServer(tls);
      setUpNamespace(connection(tls));
      Path token = codecTokenFile();
      startCodecServer(token);
      startUi(tls);
      printAuthorizeLink(token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.printf(
        "Temporal server at %s (SQLite: %s), Web UI at %s (decrypting through the codec server at"
            + " %s).%n"
            + "%s (TEMPORAL_ADDRESS=%s). Stop them with `amble server stop`.%n",
        ports.address(),
        data.resolve("temporal.db"),
        ports.webUiUrl(),
        ports.codecServerUrl(),
        ports.address().equals(LocalTemporal.DEFAULT_ADDRESS)
            ? "Workers and the CLI reach it by default"
            : "Point workers and the CLI at it",
        ports.address());
    tls.ifPresent(
        t -> {
          log.printf(
              "It requires TLS and a client certificate (mTLS). The CLI and workers connect with:%n");
          t.clientEnvironment().forEach((k, v) -> log.printf("  export %s=%s%n", k, v));
        });
    log.flush();
  }

  private void ensureCertificates(TlsCertificates tls) throws IOException {
    boolean created;
    try {
      created = tls.ensure(Instant.now());
    } catch (IllegalArgumentException e) {
      throw new ServerException(e.getMessage());
    }
    log.printf(
        "%s TLS certificates in %s: CA %s, server %s (127.0.0.1, localhost), client %s.%n",
        created ? "Created the" : "The",
        tls.dir(),
        TlsCertificates.CA,
        TlsCertificates.SERVER,
        TlsCertificates.CLIENT);
  }

  public void stop() throws InterruptedException {
    boolean any = false;
    for (String name : List.of("ui", "codec", "server")) {
      Optional<ProcessHandle> p = running(name);
      if (p.isPresent()) {
        any = true;
        p.get().destroy();
        if (!p.get()
                .onExit()
                .completeOnTimeout(null, 20, TimeUnit.SECONDS)
                .thenApply(x -> true)
                .join()
            || p.get().isAlive()) {
          p.get().destroyForcibly();
        }
        log.printf("Stopped the %s (pid %d).%n", what(name), p.get().pid());
      }
      try {
        Files.deleteIfExists(pidFile(name));
      } catch (IOException ignored) {
        // gone already
      }
    }
    if (!any) {
      log.println("Neither the Temporal server, the Web UI nor the codec server was running.");
    }
    log.flush();
  }

  /** "running (pid N)" or "stopped", for the server, the UI and the codec server. */
  public Map<String, String> status() {
    return Map.of(
        "server", running("server").map(p -> "running (pid " + p.pid() + ")").orElse("stopped"),
        "ui", running("ui").map(p -> "running (pid " + p.pid() + ")").orElse("stopped"),
        "codec", running("codec").map(p -> "running (pid " + p.pid() + ")").orElse("stopped"));
  }

  private static String what(String name) {
    return switch (name) {
      case "ui" -> "Web UI";
      case "codec" -> "codec server";
      default -> "Temporal server";
    };
  }

  /** The process a pid file names, if it still runs and is the program we started. */
  Optional<ProcessHandle> running(String name) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile(name)).strip());
      String program =
          switch (name) {
            case "ui" -> goProgram("ui.file");
            case "codec" -> "java";
            default -> goProgram("server.file");
          };
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.endsWith(program)).orElse(true))
          .filter(
              p ->
                  !name.equals("codec")
                      || p.info()
                          .arguments()
                          .map(a -> List.of(a).contains("codec-server"))
                          .orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Path pidFile(String name) {
    return data.resolve(name + ".pid");
  }

  private void ensureBuilt(
      Path binary, String module, String version, List<String> flags, String what)
      throws InterruptedException {
    if (Files.isExecutable(binary)) {
      return;
    }
    String go =
        onPath("go")
            .orElseThrow(
                () ->
                    new ServerException(
                        "building the "
                            + what
                            + " needs Go 1.26.4 or newer (`go` on PATH); or run a Temporal server"
                            + " yourself and point TEMPORAL_ADDRESS at it"));
    log.printf(
        "Building the %s %s from its Go module (once per machine; the first build takes about 5 minutes) ...%n",
        what, version);
    log.flush();
    Instant start = Instant.now();
    try {
      Path gobin = Files.createDirectories(bin.resolve("build-" + ProcessHandle.current().pid()));
      Path buildLog = Files.createDirectories(bin).resolve("build.log");
      List<String> command = new java.util.ArrayList<>(List.of(go, "install"));
      command.addAll(flags);
      command.add(module + "@" + version);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(buildLog.toFile()));
      pb.environment().put("GOBIN", gobin.toString());
      pb.environment().put("GOFLAGS", "-mod=mod");
      int code = pb.start().waitFor();
      if (code != 0 || !Files.isExecutable(gobin.resolve("server"))) {
        throw new ServerException(
            "go install "
                + module
                + "@"
                + version
                + " failed (exit "
                + code
                + "); see "
                + buildLog);
      }
      Files.move(gobin.resolve("server"), binary, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.delete(gobin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    log.printf("Built %s in %ds.%n", binary, Duration.between(start, Instant.now()).toSeconds());
    log.flush();
  }

  /** The key payloads to this server are encrypted with: {@link CodecKeys#LOCAL_KEY_NAME}. */
  public Path codecKey() {
    return data.resolve(CodecKeys.LOCAL_KEY_NAME);
  }

  /**
   * Creates the payload key at the first start (owner-only from its creation on) and says how the
   * CLI and workers find it; a later start keeps the key, which the server's histories need.
   */
  private void ensureCodecKey() throws IOException {
    Path file = codecKey();
    boolean created = false;
    CodecKey key;
    if (Files.exists(file)) {
      key = CodecKey.read(file);
    } else {
      key = CodecKey.create(file);
      created = true;
    }
    boolean foundByDefault =
        file.normalize()
            .equals(Path.of("").toAbsolutePath().resolve(CodecKeys.LOCAL_KEY).normalize());
    log.printf(
        "%s payload key %s (ID %s): the CLI and workers encrypt with it %s.%n",
        created ? "Created the" : "The",
        file,
        key.id(),
        foundByDefault
            ? "when run from this folder; elsewhere set " + CodecKeys.KEY_FILE + "=" + file
            : "when " + CodecKeys.KEY_FILE + "=" + file + " is set");
  }

  /** The codec server's token: {@code CODEC_TOKEN_NAME} here, created (0600) at the first start. */
  public Path codecToken() {
    return data.resolve(CODEC_TOKEN_NAME);
  }

  /** The token file the codec server reads: the environment's, else the data folder's. */
  private Path codecTokenFile() throws IOException {
    String named = env.get(CodecServer.TOKEN_FILE_ENV);
    if (named != null && !named.isBlank()) {
      return Path.of(named).toAbsolutePath();
    }
    Path file = codecToken();
    if (!Files.exists(file)) {
      byte[] bytes = new byte[32];
      new java.security.SecureRandom().nextBytes(bytes);
      Files.createFile(
          file,
          java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n");
    }
    return file;
  }

  /**
   * A one-time link that lets the operator's browser ask the codec server (a cookie): printed to
   * this command's output only, never to a log.
   */
  private void printAuthorizeLink(Path token) throws InterruptedException {
    try {
      URI link =
          CodecServer.authorizeLink(
              URI.create(ports.codecServerUrl()),
              Files.readString(token, StandardCharsets.UTF_8).strip());
      log.printf(
          "To see payloads in the Web UI, open this link once in its browser (valid %d minutes,"
              + " once; `amble server` prints a new one):%n  %s%n",
          CodecServer.CODE_LIFETIME.toMinutes(), link);
    } catch (IOException e) {
      log.printf("No link for the Web UI's browser: %s.%n", e.getMessage());
    }
  }

  /**
   * `amble codec-server` (this same amble, in a JVM of its own) where the Web UI asks, answering
   * that UI's origin, with the keys of this command's environment or else the server's key, and the
   * token in {@code token}.
   */
  private void startCodecServer(Path token) throws IOException, InterruptedException {
    Optional<ProcessHandle> already = running("codec");
    if (already.isPresent()) {
      log.printf("The codec server already runs (pid %d).%n", already.get().pid());
      return;
    }
    requireFree(ports.codecServer(), "the codec server's port");
    Path output = data.resolve("codec-server.log");
    long before = Files.exists(output) ? Files.size(output) : 0;
    Map<String, String> childEnv = new java.util.HashMap<>(env);
    if (!childEnv.containsKey(CodecKeys.KEYS) && !childEnv.containsKey(CodecKeys.KEY_FILE)) {
      childEnv.put(CodecKeys.KEY_FILE, codecKey().toString());
    }
    childEnv.put(CodecServer.TOKEN_FILE_ENV, token.toString());
    List<String> command =
        new java.util.ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    Optional.ofNullable(System.getProperty("amble.home"))
        .ifPresent(home -> command.add("-Damble.home=" + home));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            AMBLE_MAIN,
            "codec-server",
            "--listen",
            "127.0.0.1:" + ports.codecServer(),
            "--web-ui-origin",
            ports.webUiUrl()));
    ProcessHandle process =
        detached("codec", command, output, Path.of("").toAbsolutePath(), childEnv);
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      String said = Files.exists(output) ? Files.readString(output).substring((int) before) : "";
      if (said.contains("amble codec-server at")) {
        break;
      }
      if (!process.isAlive()) {
        throw new ServerException(
            "the codec server exited at start: " + said.strip() + " (see " + output + ")");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new ServerException("the codec server did not start within 60s; see " + output);
      }
      Thread.sleep(100);
    }
    log.printf("Started the codec server (pid %d).%n", process.pid());
  }

  /** amble's main class: the codec server is amble, run again. */
  private static final String AMBLE_MAIN = "dev.amble.cli.Amble";

  private void startServer(Optional<TlsCertificates> tls) throws IOException, InterruptedException {
    Optional<ProcessHandle> already = running("server");
    if (already.isPresent()) {
      log.printf("The Temporal server already runs (pid %d).%n", already.get().pid());
      awaitHealthy(already.get(), Duration.ofSeconds(30), connection(tls));
      return;
    }
    requireFree(ports.frontend(), "the Temporal server's port");
    // The schema is created table by table on the first start; a kill during it leaves a
    // database that never starts. Until one start succeeded, the database is disposable.
    Path marker = data.resolve(".initialized");
    if (!Files.exists(marker)) {
      for (String f : List.of("temporal.db", "temporal.db-wal", "temporal.db-shm")) {
        Files.deleteIfExists(data.resolve(f));
      }
    }
    Path config = data.resolve("temporal.yaml");
    InternalPorts internal =
        InternalPorts.choose(
            data, ports.frontend(), java.util.Set.of(ports.webUi(), ports.codecServer()));
    Files.writeString(
        config,
        internal
            .render(withPorts(resource("temporal-sqlite.yaml")))
            .replace("{{DATA_DIR}}", data.toString())
            .replace("{{GLOBAL_TLS}}", tls.map(LocalServer::serverTls).orElse("")));
    if (tls.isPresent()) {
      Files.writeString(tlsMarker(), tls.get().dir() + "\n");
    } else {
      Files.deleteIfExists(tlsMarker());
    }
    ProcessHandle server =
        detached(
            "server",
            List.of(
                serverBinary().toString(),
                "--config-file",
                config.toString(),
                "--allow-no-auth",
                "start"),
            data.resolve("server.log"));
    awaitHealthy(server, Duration.ofSeconds(60), connection(tls));
    Files.writeString(marker, Instant.now() + "\n");
    log.printf("Started the Temporal server (pid %d).%n", server.pid());
  }

  private void startUi(Optional<TlsCertificates> tls) throws IOException, InterruptedException {
    Optional<ProcessHandle> already = running("ui");
    if (already.isPresent()) {
      log.printf("The Web UI already runs (pid %d).%n", already.get().pid());
      return;
    }
    requireFree(ports.webUi(), "the Web UI's port");
    Path ui = Files.createDirectories(data.resolve("ui").resolve("config"));
    Files.writeString(ui.resolve("development.yaml"), uiConfig(tls));
    ProcessHandle process =
        detached(
            "ui",
            List.of(
                uiBinary().toString(),
                "--root",
                data.resolve("ui").toString(),
                "--config",
                "config",
                "--env",
                "development",
                "start"),
            data.resolve("ui.log"));
    Instant deadline = Instant.now().plusSeconds(30);
    while (!httpOk(ports.webUiUrl() + "/healthz")) {
      if (!process.isAlive()) {
        throw new ServerException("the Web UI exited at start; see " + data.resolve("ui.log"));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new ServerException(
            "the Web UI did not answer within 30s; see " + data.resolve("ui.log"));
      }
      Thread.sleep(200);
    }
    log.printf("Started the Web UI (pid %d).%n", process.pid());
  }

  /**
   * The Web UI server's config: this server's ports, its TLS, the codec server, no needless writes.
   */
  String uiConfig(Optional<TlsCertificates> tls) {
    return withPorts(resource("ui-development.yaml"))
        .replace("{{UI_TLS}}", tls.map(LocalServer::uiTls).orElse(""));
  }

  /** A process in its own session (setsid), so it outlives this command and its terminal. */
  private ProcessHandle detached(String name, List<String> command, Path output)
      throws IOException {
    return detached(name, command, output, data, System.getenv());
  }

  private ProcessHandle detached(
      String name, List<String> command, Path output, Path workdir, Map<String, String> environment)
      throws IOException {
    List<String> full = new java.util.ArrayList<>(List.of("setsid"));
    full.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process p =
        builder
            .directory(workdir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
            .start();
    Files.writeString(pidFile(name), p.pid() + "\n");
    return p.toHandle();
  }

  private void awaitHealthy(ProcessHandle server, Duration timeout, TemporalConnection connection)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        connection.connect().shutdownNow();
        return;
      } catch (TemporalConnection.UnreachableException | StatusRuntimeException notYet) {
        if (!server.isAlive()) {
          throw new ServerException(
              "the Temporal server exited at start; see " + data.resolve("server.log"));
        }
        if (Instant.now().isAfter(deadline)) {
          throw new ServerException(
              "the Temporal server did not answer within "
                  + timeout.toSeconds()
                  + "s; see "
                  + data.resolve("server.log"));
        }
        Thread.sleep(250);
      }
    }
  }

  /**
   * The namespace and amble's search attributes on the server at {@code address} (host:port, no
   * TLS), waiting until both can be used. Public for servers amble's tests run themselves (one on
   * PostgreSQL, for instance), which need the same setup as this one.
   */
  public static void setUpNamespace(String address) throws InterruptedException {
    setUpNamespace(TemporalConnection.plain(address, NAMESPACE));
  }

  /** The same over {@code connection} (TLS, for instance). */
  static void setUpNamespace(TemporalConnection connection) throws InterruptedException {
    WorkflowServiceStubs stubs = connection.connect();
    try {
      Instant deadline = Instant.now().plusSeconds(60);
      while (true) {
        try {
          stubs
              .blockingStub()
              .registerNamespace(
                  RegisterNamespaceRequest.newBuilder()
                      .setNamespace(NAMESPACE)
                      .setWorkflowExecutionRetentionPeriod(Durations.fromDays(30))
                      .build());
          break;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
            break;
          }
          if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
              || Instant.now().isAfter(deadline)) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
      while (true) {
        try {
          stubs
              .blockingStub()
              .describeNamespace(
                  DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build());
          List<String> missing =
              SearchAttributeSetup.missing(stubs, NAMESPACE).orElse(SearchAttributeSetup.NAMES);
          if (missing.isEmpty()) {
            break;
          }
          SearchAttributeSetup.register(stubs, NAMESPACE, missing);
        } catch (StatusRuntimeException e) {
          if (Instant.now().isAfter(deadline)) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /**
   * The server's {@code global.tls}: the frontend requires client certificates signed by the CA;
   * internode connections (history, matching, worker) and the system worker's calls to the frontend
   * use mTLS too, with the server's certificate.
   */
  static String serverTls(TlsCertificates tls) {
    String server =
        "      server:\n"
            + "        certFile: "
            + quoted(tls.serverCert())
            + "\n        keyFile: "
            + quoted(tls.serverKey())
            + "\n        requireClientAuth: true\n"
            + "        clientCaFiles:\n"
            + "          - "
            + quoted(tls.ca())
            + "\n";
    String client =
        "      client:\n"
            + "        serverName: "
            + TlsCertificates.SERVER_DNS
            + "\n        rootCaFiles:\n"
            + "          - "
            + quoted(tls.ca())
            + "\n";
    return "  tls:\n"
        + "    internode:\n"
        + server
        + client
        + "    frontend:\n"
        + server
        + client
        + "    systemWorker:\n"
        + "      certFile: "
        + quoted(tls.serverCert())
        + "\n      keyFile: "
        + quoted(tls.serverKey())
        + "\n"
        + client;
  }

  /** The Web UI server's {@code tls}: its own client certificate, the server's CA. */
  static String uiTls(TlsCertificates tls) {
    return "tls:\n"
        + "  caFile: "
        + quoted(tls.ca())
        + "\n  certFile: "
        + quoted(tls.uiCert())
        + "\n  keyFile: "
        + quoted(tls.uiKey())
        + "\n  serverName: "
        + TlsCertificates.SERVER_DNS
        + "\n  enableHostVerification: true\n";
  }

  /** A YAML double-quoted string. */
  private static String quoted(Path path) {
    return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void requireFree(int port, String what) {
    if (!LocalTemporal.isFree(port)) {
      throw new ServerException(
          "port " + port + " (" + what + ") is taken by another program; stop it first");
    }
  }

  /** A config template with this server's ports in place of {{FRONTEND_PORT}} and {{UI_PORT}}. */
  private String withPorts(String template) {
    return template
        .replace("{{FRONTEND_PORT}}", Integer.toString(ports.frontend()))
        .replace("{{UI_PORT}}", Integer.toString(ports.webUi()))
        .replace("{{CODEC_PORT}}", Integer.toString(ports.codecServer()));
  }

  private static boolean httpOk(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private Optional<String> onPath(String program) {
    for (String dir : env.getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return Optional.of(Path.of(dir, program).toString());
      }
    }
    return Optional.empty();
  }

  private static String resource(String name) {
    try (InputStream in = LocalServer.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The local server cannot be built or started; the message says why and what to do. */
  public static final class ServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServerException(String message) {
      super(message);
    }
  }
}
