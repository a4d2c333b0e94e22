package dev.amble.ansible;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server for tests (Debian's package; scripts/test installs it): on 127.0.0.1, on a
 * port picked at start, with no persistence, in its own folder, stopped on {@link #close}.
 *
 * <p>Its settings are in a private file in that folder, so an optional password ({@code
 * requirepass}) is on no command line. The folder's name holds a sentinel unique to this server
 * (see {@link #sentinel}), and the server keeps its command line as started ({@code set-proc-title
 * no}), so a test can tell its own server from any other process, and a leftover one can be found.
 *
 * <p>It also speaks enough RESP (Redis's protocol, over a plain socket) for tests to look at what a
 * store holds: {@link #command}.
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(20);
  private static final int ATTEMPTS = 5;

  private final Process process;
  private final Path dir;
  private final int port;
  private final String sentinel;
  private final Optional<String> password;

  private RedisServer(
      Process process, Path dir, int port, String sentinel, Optional<String> password) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.sentinel = sentinel;
    this.password = password;
  }

  /** A server without a password, its folder under {@code parent}. */
  public static RedisServer start(Path parent) {
    return start(parent, Optional.empty());
  }

  /** A server that requires {@code password} ({@code requirepass}), if given. */
  public static RedisServer start(Path parent, Optional<String> password) {
    String sentinel =
        "amble-redis-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    Path dir = parent.resolve(sentinel);
    String failure = "";
    try {
      Files.createDirectories(dir);
      // Another process may take the port between picking it and redis-server binding it: then
      // redis-server exits, and another port is tried.
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        int port = freePort();
        Path config = dir.resolve("redis-" + port + ".conf");
        Files.writeString(config, "", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(config, config(dir, port, password), StandardCharsets.UTF_8);
        Process process =
            new ProcessBuilder(redisServer(), config.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + port + ".out").toFile())
                .start();
        RedisServer server = new RedisServer(process, dir, port, sentinel, password);
        Optional<String> problem = server.awaitReady();
        if (problem.isEmpty()) {
          return server;
        }
        server.close();
        failure = problem.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("starting redis-server in " + dir, e);
    }
    throw new IllegalStateException(
        "redis-server did not start in " + ATTEMPTS + " attempts; last: " + failure);
  }

  private static String config(Path dir, int port, Optional<String> password) {
    StringBuilder config = new StringBuilder();
    config.append("bind 127.0.0.1\n");
    config.append("port ").append(port).append('\n');
    config.append("daemonize no\n");
    config.append("set-proc-title no\n");
    config.append("dir ").append(quoted(dir.toString())).append('\n');
    config.append("logfile ").append(quoted(dir.resolve("redis-" + port + ".log").toString()));
    config.append('\n');
    config.append("save \"\"\n");
    config.append("appendonly no\n");
    password.ifPresent(p -> config.append("requirepass ").append(quoted(p)).append('\n'));
    return config.toString();
  }

  /** A string argument of redis.conf, in double quotes with backslash escapes. */
  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String redisServer() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "redis-server"))) {
        return Path.of(dir, "redis-server").toString();
      }
    }
    if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
      return "/usr/bin/redis-server";
    }
    throw new IllegalStateException(
        "redis-server not found: scripts/test installs it (Debian: apt-get install redis-server)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Polls PING until the server answers PONG, it exits, or the deadline passes. */
  private Optional<String> awaitReady() {
    Instant deadline = Instant.now().plus(READY_WITHIN);
    String last = "no answer";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        return Optional.of("redis-server exited " + process.exitValue() + "; see " + dir);
      }
      try {
        Object pong = command("PING");
        if ("PONG".equals(pong)) {
          return Optional.empty();
        }
        last = String.valueOf(pong);
      } catch (IOException | RedisError notYet) {
        last = notYet.getMessage();
      }
      try {
        Thread.sleep(20); // polling with a deadline, not coordination
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.of("no PONG within " + READY_WITHIN + " (" + last + "); see " + dir);
  }

  public int port() {
    return port;
  }

  public String host() {
    return "127.0.0.1";
  }

  /** The word in this server's command line that no other process has. */
  public String sentinel() {
    return sentinel;
  }

  public Optional<String> password() {
    return password;
  }

  public Process process() {
    return process;
  }

  /** An error reply of the server ({@code -ERR ...}). */
  public static final class RedisError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisError(String message) {
      super(message);
    }
  }

  /**
   * Runs one command on database 0 (after AUTH when the server has a password): the reply as a
   * String, Long, List or null.
   */
  public Object command(String... args) throws IOException {
    return command(0, args);
  }

  /** Runs one command on database {@code db}. */
  public Object command(int db, String... args) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password.isPresent()) {
        send(out, "AUTH", password.get());
        reply(in);
      }
      if (db != 0) {
        send(out, "SELECT", Integer.toString(db));
        reply(in);
      }
      send(out, args);
      return reply(in);
    }
  }

  /**
   * Runs many commands on database {@code db} over one connection, pipelined a few hundred at a
   * time (to fill a store quickly); their replies are read and dropped, an error reply thrown.
   */
  public void pipeline(int db, List<String[]> commands) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
      OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password.isPresent()) {
        send(out, "AUTH", password.get());
        reply(in);
      }
      send(out, "SELECT", Integer.toString(db));
      reply(in);
      for (int from = 0; from < commands.size(); from += 200) {
        int to = Math.min(commands.size(), from + 200);
        for (String[] command : commands.subList(from, to)) {
          send(out, command);
        }
        for (int i = from; i < to; i++) {
          reply(in);
        }
      }
    }
  }

  private static void send(OutputStream out, String... args) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      request.write(bytes);
      request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(request.toByteArray());
    out.flush();
  }

  private static Object reply(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisError(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] bytes = in.readNBytes(length);
          line(in);
          return new String(bytes, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(line);
          if (count < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            items.add(reply(in));
          }
          return items;
        }
      case -1:
        throw new IOException("connection closed");
      default:
        throw new IOException("unexpected reply type " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read(); // '\n'
        break;
      }
      line.write(c);
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Stops the server (SIGTERM, then SIGKILL) and waits until it is gone. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
