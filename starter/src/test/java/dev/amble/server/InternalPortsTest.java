package dev.amble.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.worker.LocalTemporal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local server's internal ports: two servers on one machine must not share any. */
class InternalPortsTest {
  @TempDir Path data;

  @Test
  void aServerOnAnotherFrontendPortTakesFreePortsBelowTheSmallintLimitAndKeepsThem()
      throws Exception {
    int frontend = LocalTemporal.anyFreePort();
    InternalPorts chosen = InternalPorts.choose(data, frontend, Set.of(frontend + 1));
    assertEquals(8, new HashSet<>(chosen.all()).size(), "eight distinct ports: " + chosen);
    for (int port : chosen.all()) {
      assertTrue(port >= 10000 && port < InternalPorts.BELOW, "port " + port);
      assertFalse(port == frontend || port == frontend + 1, "a port the server has already");
    }
    assertFalse(chosen.all().stream().anyMatch(InternalPorts.CLASSIC.all()::contains));
    assertEquals(
        chosen, InternalPorts.choose(data, frontend, Set.of()), "a restart finds the same ports");
  }

  @Test
  void aKeptPortTakenByAnotherProgramIsChosenAgain() throws Exception {
    int frontend = LocalTemporal.anyFreePort();
    InternalPorts first = InternalPorts.choose(data, frontend, Set.of());
    try (ServerSocket other =
        new ServerSocket(first.history(), 1, InetAddress.getLoopbackAddress())) {
      InternalPorts again = InternalPorts.choose(data, frontend, Set.of());
      assertFalse(again.all().contains(first.history()), again.toString());
      assertEquals(
          Optional.of(again),
          InternalPorts.parse(Files.readString(data.resolve("internal-ports"))));
    }
  }

  @Test
  void theTemplateGetsEveryPortAndABrokenKeptFileIsIgnored() throws Exception {
    String template =
        new String(
            LocalServer.class.getResourceAsStream("temporal-sqlite.yaml").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    String rendered = InternalPorts.CLASSIC.shifted(100).render(template);
    for (String line : rendered.lines().toList()) {
      if (!line.startsWith("#")) {
        assertFalse(
            line.matches(".*\\{\\{(HISTORY|MATCHING|WORKER|HTTP|\\w+_MEMBERSHIP)_PORT}}.*"), line);
      }
    }
    assertTrue(rendered.contains("membershipPort: 7033"), "frontend membership 6933 + 100");
    assertTrue(rendered.contains("httpAddress: \"127.0.0.1:7343\""));
    assertEquals(Optional.empty(), InternalPorts.parse("7234 7235 nonsense"));
    assertEquals(Optional.empty(), InternalPorts.parse("1 2 3"));
  }
}
