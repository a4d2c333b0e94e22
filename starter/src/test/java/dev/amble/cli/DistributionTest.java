package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.parts.WorkerCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The installable amble (src/assembly/dist.xml, src/dist/): the systemd unit stops the worker as
 * the worker expects, and the tarball the package phase made, when there is one, holds what the
 * README promises, with the checkout's own Ansible requirements.
 */
class DistributionTest {
  static final Path DIST = Path.of("src", "dist");

  /** Named for the release it installs (RELEASING.md); surefire passes the project's version. */
  static final Path TARBALL =
      Path.of("target", "amble-" + System.getProperty("amble.version") + ".tar.gz");

  static Map<String, String> unit() throws IOException {
    return Files.readAllLines(DIST.resolve("share/amble-worker.service")).stream()
        .filter(l -> l.contains("=") && !l.startsWith("#"))
        .collect(
            Collectors.toMap(
                l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
  }

  @Test
  void theUnitGivesTheWorkerItsGracefulStop() throws IOException {
    Map<String, String> unit = unit();
    assertEquals("/opt/amble/bin/amble worker", unit.get("ExecStart"));
    assertEquals("SIGTERM", unit.get("KillSignal"));
    assertEquals("mixed", unit.get("KillMode"), "SIGTERM to the worker, not to its Ansible");
    assertEquals("on-failure", unit.get("Restart"));
    assertEquals("amble", unit.get("User"));
    assertEquals("-/etc/amble/worker.env", unit.get("EnvironmentFile"));
    int stopTimeout =
        Integer.parseInt(
            new CommandLine(new WorkerCommand())
                .getCommandSpec()
                .findOption("--stop-timeout")
                .defaultValue());
    int timeoutStopSec = Integer.parseInt(unit.get("TimeoutStopSec"));
    assertTrue(
        timeoutStopSec > stopTimeout + 10,
        "TimeoutStopSec " + timeoutStopSec + " vs --stop-timeout " + stopTimeout);
  }

  /** The JVM options the launchers give (share/java-options), with AMBLE_JAVA_OPTS set as given. */
  static List<String> launcherOptions(String extra) throws IOException, InterruptedException {
    return launcherOptions(Map.of("AMBLE_JAVA_OPTS", extra));
  }

  /** The JVM options the launchers give, with these variables set. */
  static List<String> launcherOptions(Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -euo pipefail; . src/dist/share/java-options; printf '%s\\n' \"${java_options[@]}\"")
            .redirectErrorStream(true);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), said);
    return said.lines().toList();
  }

  /** What {@code java OPTIONS -version} says; its exit code first. */
  static String javaWith(List<String> options) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() + " " + said;
  }

  @Test
  void theLaunchersGiveTheShippedJvmOptionsThenTheOperatorsOnes()
      throws IOException, InterruptedException {
    List<String> shipped = launcherOptions("");
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), shipped);
    assertTrue(javaWith(shipped).startsWith("0 "), javaWith(shipped));
    assertEquals(
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx1g", "-Dx=a"),
        launcherOptions(" -Xmx1g  -Dx=a "));
    // The JVM refuses two collectors: the operator's replaces the shipped one.
    List<String> g1 = launcherOptions("-XX:+UseG1GC -XX:TieredStopAtLevel=4");
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=4"), g1);
    assertTrue(javaWith(g1).startsWith("0 "), javaWith(g1));
    // ... and so does one the JVM reads from its own variables.
    assertEquals(
        List.of("-XX:TieredStopAtLevel=1"),
        launcherOptions(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC")));
    // An option that only starts like a collector's is not one.
    assertEquals(
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+UseGCOverheadLimit"),
        launcherOptions("-XX:+UseGCOverheadLimit"));
  }

  @Test
  void theTarballHoldsAnInstallableAmble(@TempDir Path dir)
      throws IOException, InterruptedException {
    Assumptions.assumeTrue(Files.isRegularFile(TARBALL), "no " + TARBALL + ": not packaged yet");
    Process tar =
        new ProcessBuilder("tar", "xzf", TARBALL.toAbsolutePath().toString(), "-C", dir.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, tar.waitFor(), said);
    try (var top = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("amble")), top.toList());
    }
    Path amble = dir.resolve("amble");
    for (String program : List.of("bin/amble", "bin/amble-setup", "scripts/setup-ansible")) {
      assertTrue(Files.isExecutable(amble.resolve(program)), program);
    }
    assertTrue(Files.size(amble.resolve("lib/amble.jar")) > 0);
    assertEquals(
        Files.readString(Path.of("..", "scripts", "ansible-requirements.txt")),
        Files.readString(amble.resolve("scripts/ansible-requirements.txt")));
    assertEquals(
        Files.readString(DIST.resolve("share/amble-worker.service")),
        Files.readString(amble.resolve("share/amble-worker.service")));
  }
}
