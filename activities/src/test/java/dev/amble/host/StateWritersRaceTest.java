package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers of one host's remote state at once: two processes running amble's module code, each
 * recording {@value #COUNT} workspaces as started in the same amble_state.fact as fast as it can,
 * both starting together. Every record must be there at the end: a read-modify-write that two
 * writers interleave loses the other's record (it did before the module held the state folder's
 * flock around it).
 */
class StateWritersRaceTest {
  static final int COUNT = 150;

  @TempDir Path dir;

  @Test
  void twoConcurrentWritersLoseNothing() throws Exception {
    Path module =
        Path.of(
            StateWritersRaceTest.class
                .getResource("/dev/amble/ansible/library/amble_lock.py")
                .toURI());
    Path writer = Path.of(StateWritersRaceTest.class.getResource("state_writer.py").toURI());
    List<Process> writers = new ArrayList<>();
    for (String[] names : new String[][] {{"alpha", "beta"}, {"beta", "alpha"}}) {
      writers.add(
          new ProcessBuilder(
                  LocalFleet.ansible().python().toString(),
                  writer.toString(),
                  module.toString(),
                  dir.toString(),
                  names[0],
                  Integer.toString(COUNT),
                  names[1])
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(names[0] + ".out").toFile())
              .start());
    }
    for (int i = 0; i < writers.size(); i++) {
      String name = i == 0 ? "alpha" : "beta";
      assertEquals(0, writers.get(i).waitFor(), Files.readString(dir.resolve(name + ".out")));
    }
    JsonNode workspaces =
        new ObjectMapper().readTree(dir.resolve("amble_state.fact").toFile()).path("workspaces");
    TreeSet<String> found = new TreeSet<>();
    workspaces.fieldNames().forEachRemaining(found::add);
    TreeSet<String> expected = new TreeSet<>();
    for (int i = 0; i < COUNT; i++) {
      expected.add(String.format("alpha-%03d", i));
      expected.add(String.format("beta-%03d", i));
    }
    expected.removeAll(found);
    assertEquals(
        2 * COUNT,
        found.size(),
        "records lost to the other writer: "
            + expected.size()
            + " e.g. "
            + expected.stream().limit(5).toList());
  }
}
