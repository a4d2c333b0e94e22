package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache that keeps only some facts gives, for every file, those facts of what the whole read
 * gives, and fails where it fails, with the same message; read ahead or not.
 */
class FactCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS = Set.of("ansible_local", "ansible_distribution", "x");

  /** File name, content: every shape the jsonfile cache can hold, and some it should not. */
  private static Map<String, String> files() throws IOException {
    String facts =
        "{\"ansible_distribution\": \"Debian\", \"ansible_hostname\": \"h\","
            + " \"ansible_local\": {\"amble_state\": {\"__ansible_type\": \"dict\","
            + " \"value\": {\"workspaces\": {}}}}, \"x\": [1, {\"__ansible_type\": \"int\","
            + " \"value\": 2}], \"ansible_mounts\": [{\"size\": 1.5e3}]}";
    Map<String, String> files = new LinkedHashMap<>();
    files.put("s1_new", JSON.writeValueAsString(Map.of("__payload__", facts)));
    files.put("old", facts);
    files.put("s1_both", JSON.writeValueAsString(Map.of("__payload__", "{\"x\": \"new\"}")));
    files.put("both", "{\"x\": \"old\"}");
    files.put("s1_array", "[1, 2]");
    files.put("array", "{\"x\": \"the older layout, as the newer is no object\"}");
    files.put("s1_empty", "");
    files.put("s1_null", "null");
    files.put("s1_broken", "{\"__payload__\": \"{\\\"x\\\": \"");
    files.put("s1_brokenouter", "{\"__payload__\": \"{}\", ");
    files.put("s1_payloadarray", "{\"__payload__\": \"[1]\"}");
    files.put("s1_payloadnumber", "{\"__payload__\": 3, \"x\": 4}");
    files.put(
        "s1_tagged",
        "{\"__payload__\": \"{\\\"__ansible_type\\\": \\\"dict\\\", \\\"value\\\": {\\\"x\\\": 5, \\\"y\\\": 6}}\"}");
    files.put("taggedold", "{\"value\": {\"x\": 7}, \"__ansible_type\": \"dict\"}");
    files.put("s1_duplicates", "{\"__payload__\": \"{\\\"x\\\": 1, \\\"x\\\": 2, \\\"y\\\": 3}\"}");
    files.put("s1_nothingkept", "{\"__payload__\": \"{\\\"y\\\": 1}\"}");
    files.put("s1_trailing", "{\"__payload__\": \"{\\\"x\\\": 1} garbage\"} more");
    return files;
  }

  private static final String[] HOSTS = {
    "new",
    "old",
    "both",
    "array",
    "empty",
    "null",
    "broken",
    "brokenouter",
    "payloadarray",
    "payloadnumber",
    "tagged",
    "taggedold",
    "duplicates",
    "nothingkept",
    "trailing",
    "absent"
  };

  private static Path fill(Path dir) throws IOException {
    for (Map.Entry<String, String> file : files().entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
    return dir;
  }

  @Test
  void keepsTheFactsAsTheWholeReadHasThemAndFailsAlike(@TempDir Path dir) throws IOException {
    fill(dir);
    FactCache whole = new FactCache(dir);
    FactCache some = new FactCache(dir, KEYS);
    FactCache ahead = new FactCache(dir, KEYS);
    try (FactCache.Prefetch prefetch = ahead.prefetch(2)) {
      for (String host : HOSTS) {
        Object expected = outcome(whole, host, true);
        assertEquals(expected, outcome(some, host, false), host);
        assertEquals(expected, outcome(ahead, host, false), host + ", read ahead");
      }
    }
    assertEquals(
        "{\"ansible_distribution\":\"Debian\",\"ansible_local\":{\"amble_state\":{\"workspaces\":{}}},\"x\":[1,2]}",
        some.read("new").orElseThrow().toString());
    assertEquals("{\"x\":\"new\"}", some.read("both").orElseThrow().toString());
    assertEquals(Optional.empty(), some.read("absent"));
    AnsibleException broken = assertThrows(AnsibleException.class, () -> some.read("broken"));
    assertTrue(
        broken
            .getMessage()
            .startsWith("unreadable fact cache file " + dir.resolve("s1_broken") + ": "),
        broken.getMessage());
  }

  /** What reading a host gives: its facts (only those kept), or the failure's message. */
  private static Object outcome(FactCache cache, String host, boolean select) {
    try {
      Optional<JsonNode> facts = cache.read(host);
      return facts.map(f -> select ? FactCache.select(f, KEYS) : f);
    } catch (AnsibleException e) {
      return e.getMessage();
    }
  }

  @Test
  void aFileWrittenAfterTheReadingAheadBeganIsRead(@TempDir Path temp) throws IOException {
    Path dir = Files.createDirectory(temp.resolve("facts"));
    FactCache cache = new FactCache(dir, KEYS);
    try (FactCache.Prefetch prefetch = cache.prefetch(1)) {
      // Moved into place whole, so that the reading ahead never sees it half-written.
      Path late = Files.writeString(temp.resolve("late"), "{\"x\": 1, \"y\": 2}");
      Files.move(late, dir.resolve("late"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      assertEquals("{\"x\":1}", cache.read("late").orElseThrow().toString());
      assertFalse(cache.read("absent").isPresent());
    }
  }

  @Test
  void noFolderIsNoFacts(@TempDir Path dir) {
    FactCache cache = new FactCache(dir.resolve("none"), KEYS);
    try (FactCache.Prefetch prefetch = cache.prefetch(1)) {
      assertFalse(cache.read("host").isPresent());
    }
  }
}
