package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.precondition.Verdict;
import dev.amble.worker.HostActivitiesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host names and vars with spaces, quotes, ';', '$(...)', backquotes and non-ASCII letters go
 * through resolve, prepare, a job and finish as plain data: every host is walked, and none of the
 * commands hidden in them runs.
 */
class HostileNamesTest {
  @TempDir Path dir;

  @Test
  void namesAndVarsExecuteNothing() throws Exception {
    // Ansible runs in the Amblefile's folder (dir): a relative "pwned" would land there. Host
    // names cannot hold '/' (Ansible's fact cache keeps one file per host name).
    Path pwned = dir.resolve("pwned");
    List<String> names =
        List.of(
            "web one $(touch pwned)",
            "it's \"quoted\"",
            "semi;colon;touch pwned",
            "back`touch pwned`tick",
            "naïve-hôst-ünïcode");
    String payload = "$(touch " + pwned + ")";
    LocalFleet fleet =
        LocalFleet.create(
            dir,
            names,
            (h, v) -> {
              v.put(
                  "label",
                  "x; touch " + pwned + "; " + payload + " `touch " + pwned + "` 'q' \"dq\" ünï");
            });
    Definition d =
        Definitions.write(
            dir,
            "hostile",
            """
            workspaces:
              hostile: { host_pattern: fleet, workflow: w, inventory: inventory.yml }
            workflows:
              w:
                jobs:
                  - job: echo
                    options: { note: "$(touch %1$s) ; touch %1$s `touch %1$s`" }
            jobs:
              echo:
                become: false
                preconditions: vars.label.startsWith("x; touch")
                tasks:
                  - name: echo the name, the var and the option
                    ansible.builtin.command:
                      argv: [echo, "{{ inventory_hostname }}", "{{ label }}", "{{ note }}"]
            """
                .formatted(pwned));
    ProcessRunner runner =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv());
    List<String> resolved =
        new WorkspacePlanner(new Inventory(runner)).hosts(d, Optional.empty()).names();
    assertEquals(names.stream().sorted().toList(), resolved.stream().sorted().toList());

    HostActivitiesImpl activities = new HostActivitiesImpl(runner, "test", Clock.systemUTC());
    for (String name : names) {
      List<Object> seen = WalkOneHost.walk(activities, d, name, "r1");
      Preparation p = (Preparation) seen.get(1);
      assertEquals(List.of(Verdict.HOLDS), p.verdicts(), name);
      RunResult job = (RunResult) seen.get(3);
      String log = Files.readString(Path.of(job.log()));
      assertTrue(log.contains("changed: [" + name + "]"), name + ": " + log);
      JsonNode state =
          new ObjectMapper().readTree(fleet.stateDir(name).resolve("amble_state.fact").toFile());
      assertTrue(state.at("/workspaces/hostile/succeeded").isTextual(), name + ": " + state);
    }
    assertFalse(Files.exists(pwned), "a command hidden in a name, var or option ran");
  }
}
