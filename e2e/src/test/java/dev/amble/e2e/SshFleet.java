package dev.amble.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** SSH hosts in network namespaces on this machine, through scripts/fleet. */
final class SshFleet {
  static final Path SCRIPT = AmbleProcess.ROOT.resolve("scripts/fleet");

  final Path dir;
  final List<String> hosts;

  private SshFleet(Path dir, List<String> hosts) {
    this.dir = dir;
    this.hosts = hosts;
  }

  static SshFleet start(Path dir, int n) {
    run("start", Integer.toString(n), dir.toString());
    List<String> hosts = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      hosts.add(String.format("host%02d", i));
    }
    return new SshFleet(dir, hosts);
  }

  Path inventory() {
    return dir.resolve("inventory.yml");
  }

  Path stateDir(String host) {
    return dir.resolve("hosts").resolve(host).resolve("state");
  }

  void stop() {
    run("stop", dir.toString());
  }

  void stopHost(String host) {
    run("stop-host", dir.toString(), host);
  }

  void startHost(String host) {
    run("start-host", dir.toString(), host);
  }

  void mark(String name) {
    run("mark", dir.toString(), name);
  }

  /** SSH sessions (commands, file transfers) the host's sshd started since the mark. */
  int sessions(String host, String mark) {
    return Integer.parseInt(run("sessions", dir.toString(), host, mark).strip());
  }

  static String run(String... args) {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("fleet", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("scripts/fleet " + String.join(" ", args) + " hung");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Files.delete(out);
      if (p.exitValue() != 0) {
        throw new AssertionError("scripts/fleet " + String.join(" ", args) + " failed: " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
