package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Ansible's error reports, as ansible-core 2.19 and older ones print them, read from a log. */
class AnsibleErrorTest {
  @Test
  void readsTheErrorOfAnsible219WithItsOriginAndExcerpt() {
    List<String> log =
        List.of(
            "# amble: 2026-11-29T04:00:00Z: ansible-playbook --syntax-check x.yml",
            "[WARNING]: provided hosts list is empty",
            "[ERROR]: the role 'motd' was not found in /srv/ops/roles:/etc/ansible/roles",
            "Origin: /srv/ops/site.yml:4:7",
            "",
            "2   gather_facts: false",
            "3   roles:",
            "4     - motd",
            "        ^ column 7",
            "",
            "[ERROR]: a second one");
    AnsibleError e = AnsibleError.in(log).orElseThrow();
    assertEquals(
        "[ERROR]: the role 'motd' was not found in /srv/ops/roles:/etc/ansible/roles", e.line());
    assertEquals("/srv/ops/site.yml:4:7", e.origin());
    assertEquals(
        List.of("2   gather_facts: false", "3   roles:", "4     - motd", "        ^ column 7"),
        e.excerpt());
    assertTrue(e.oneLine().startsWith(e.line() + " | Origin: /srv/ops/site.yml:4:7 | 2 "));
  }

  @Test
  void readsTheErrorOfOlderAnsible() {
    List<String> log =
        List.of(
            "ERROR! the role 'motd' was not found in /srv/ops/roles",
            "",
            "The error appears to be in '/srv/ops/site.yml': line 4, column 7, but may",
            "be elsewhere in the file depending on the exact syntax problem.",
            "",
            "The offending line appears to be:",
            "",
            "  roles:",
            "    - motd",
            "      ^ here");
    AnsibleError e = AnsibleError.in(log).orElseThrow();
    assertEquals("ERROR! the role 'motd' was not found in /srv/ops/roles", e.line());
    assertEquals("/srv/ops/site.yml:4:7", e.origin());
    assertEquals(List.of("  roles:", "    - motd", "      ^ here"), e.excerpt());
  }

  @Test
  void aLogWithoutAnErrorHasNone() {
    assertEquals(Optional.empty(), AnsibleError.in(List.of("PLAY [all]", "fatal: [h]: FAILED!")));
  }
}
