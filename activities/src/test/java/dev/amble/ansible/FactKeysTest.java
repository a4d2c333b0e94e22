package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FactKeysTest {
  private static Optional<Set<String>> keys(String precondition) {
    Set<String> keys = new TreeSet<>();
    return FactKeys.read(precondition, keys) ? Optional.of(keys) : Optional.empty();
  }

  @Test
  void factsReadByNameAreTheTopLevelKeys() {
    assertEquals(
        Optional.of(Set.of("ansible_distribution", "ansible_distribution_major_version", "b")),
        keys(
            "facts.ansible_distribution == \"Debian\" &&"
                + " int(facts[\"ansible_distribution_major_version\"]) < options.target_version &&"
                + " has(facts.b.c) && !(\"do_not_upgrade\" in vars)"));
    assertEquals(Optional.of(Set.of()), keys("vars.x == 1 && options.y"));
    assertEquals(
        Optional.of(Set.of("ansible_mounts")),
        keys("facts.ansible_mounts.exists(m, m.mount == \"/\" && m.size_available > 1000)"));
  }

  @Test
  void onlyLocalWhenNoPreconditionReadsAnotherFact() {
    assertTrue(FactKeys.onlyLocal(List.of("true", "vars.x == 1", "has(facts.ansible_local.a)")));
    assertFalse(FactKeys.onlyLocal(List.of("true", "facts.ansible_kernel == \"6\"")));
    assertFalse(FactKeys.onlyLocal(List.of("size(facts) > 0")));
    assertFalse(FactKeys.onlyLocal(List.of("this does not parse (")));
  }

  @Test
  void factsReadOtherwiseAreAllKept() {
    assertEquals(Optional.empty(), keys("\"ansible_os_family\" in facts"));
    assertEquals(Optional.empty(), keys("size(facts) > 0"));
    assertEquals(Optional.empty(), keys("facts.exists(k, k == \"x\")"));
    assertEquals(Optional.empty(), keys("facts[vars.fact] == 1"));
    assertEquals(Optional.empty(), keys("dyn(facts).x == 1"));
    assertEquals(Optional.empty(), keys("this does not parse ("));
  }

  @Test
  void aWorkspaceKeepsItsStateFactToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var definition =
        Definitions.write(
            dir,
            "web",
            """
            workspaces:
              web:
                host_pattern: all
                workflow: w
            workflows:
              w:
                jobs:
                  - job: a
                  - job: b
            jobs:
              a:
                preconditions: facts.ansible_os_family == "Debian"
                tasks:
                  - ansible.builtin.ping:
              b:
                tasks:
                  - ansible.builtin.ping:
            """);
    assertEquals(
        Optional.of(Set.of("ansible_local", "ansible_os_family")), FactKeys.of(definition));
  }
}
