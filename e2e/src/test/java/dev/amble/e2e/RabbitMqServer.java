package dev.amble.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real RabbitMQ node for tests (Debian's {@code rabbitmq-server}; scripts/test installs it), run
 * in the foreground from /usr/lib/rabbitmq/bin (not /usr/sbin's wrapper, which switches user): its
 * own folder under {@code parent} (HOME with the Erlang cookie, Mnesia, logs, settings), AMQP on
 * 127.0.0.1 and its own epmd on loopback, on ports picked at start; user guest/guest allowed from
 * loopback only (it listens nowhere else). Stopped ({@code rabbitmqctl stop}, then its epmd) on
 * {@link #close}.
 *
 * <p>The folder's and the node's name hold a sentinel unique to this node ({@link #sentinel}), in
 * its command line, so a leftover one can be found.
 */
public final class RabbitMqServer implements AutoCloseable {
  private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");
  private static final Duration READY_WITHIN = Duration.ofSeconds(60);
  private static final int ATTEMPTS = 3;

  private final Process process;
  private final Map<String, String> env;
  private final int port;
  private final String sentinel;

  private RabbitMqServer(Process process, Map<String, String> env, int port, String sentinel) {
    this.process = process;
    this.env = env;
    this.port = port;
    this.sentinel = sentinel;
  }

  /** A new node in {@code parent}/SENTINEL, started and ready. */
  public static RabbitMqServer start(Path parent) {
    if (!Files.isExecutable(BIN.resolve("rabbitmq-server"))) {
      throw new IllegalStateException(
          "RabbitMQ is not installed (Debian's rabbitmq-server; scripts/test installs it)");
    }
    String failure = "";
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      String sentinel =
          "amble-rmq-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
      Path dir = parent.toAbsolutePath().resolve(sentinel);
      int[] ports = freePorts(3);
      Map<String, String> env = env(dir, sentinel, ports);
      try {
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        Files.writeString(
            dir.resolve("rabbitmq.conf"),
            "listeners.tcp.local = 127.0.0.1:" + ports[0] + "\nloopback_users = none\n");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        ProcessBuilder pb =
            new ProcessBuilder(BIN.resolve("rabbitmq-server").toString())
                .directory(dir.toFile())
                .redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        RabbitMqServer server = new RabbitMqServer(process, env, ports[0], sentinel);
        if (server.awaitReady()) {
          return server;
        }
        failure = Files.readString(dir.resolve("server.out"));
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("RabbitMQ did not start: " + failure);
  }

  private static Map<String, String> env(Path dir, String sentinel, int[] ports) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("RABBITMQ_NODENAME", sentinel + "@localhost");
    env.put("RABBITMQ_NODE_PORT", Integer.toString(ports[0]));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(ports[1]));
    env.put("ERL_EPMD_PORT", Integer.toString(ports[2]));
    env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
    return env;
  }

  /** Asks the node until it answers that it started, or it died, or time ran out. */
  private boolean awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(READY_WITHIN);
    while (Instant.now().isBefore(deadline) && process.isAlive()) {
      if (ctl(Duration.ofSeconds(15), "-q", "await_startup", "--timeout", "1") == 0) {
        return true;
      }
    }
    return false;
  }

  private int ctl(Duration timeout, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(BIN.resolve("rabbitmqctl").toString()));
    command.addAll(List.of(args));
    return run(command, timeout);
  }

  private int run(List<String> command, Duration timeout) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(new File("/dev/null"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return -1;
    }
  }

  private static int[] freePorts(int n) {
    List<ServerSocket> open = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        open.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          // picked
        }
      }
    }
  }

  /** {@code amqp://guest:guest@127.0.0.1:PORT/%2F}. */
  public String url() {
    return "amqp://guest:guest@127.0.0.1:" + port + "/%2F";
  }

  public String sentinel() {
    return sentinel;
  }

  @Override
  public void close() {
    try {
      ctl(Duration.ofSeconds(60), "stop");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      run(List.of("epmd", "-kill"), Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
