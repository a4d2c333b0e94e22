package dev.amble.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The retirement rule (RELEASING.md): everything the sources keep for older releases is in
 * retirement.tsv, nothing listed is gone, and nothing outlives the last release that needs it.
 * Reads the main sources of every module; about a second, no Temporal.
 */
class RetirementTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static Set<Item> inSources() {
    assertTrue(Files.isRegularFile(ROOT.resolve("pom.xml")), "not the repository root: " + ROOT);
    return new LinkedHashSet<>(CompatibilityScan.scan(ROOT));
  }

  static Set<Item> listed() {
    return RetirementList.read().stream()
        .map(RetirementList.Entry::item)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  @Test
  void everyMarkerAliasAndOldConstructorIsListed() {
    Set<Item> missing = inSources();
    missing.removeAll(listed());
    if (!missing.isEmpty()) {
      fail(
          "Not in workflows/src/test/resources/dev/amble/release/retirement.tsv: list each with"
              + " the release that adds it and the last release that needs it (RELEASING.md):\n"
              + missing.stream()
                  .map(
                      i ->
                          String.join(
                              "\t",
                              i.kind().word,
                              i.name(),
                              i.where(),
                              "SINCE",
                              "UNTIL",
                              "what it is for"))
                  .collect(Collectors.joining("\n")));
    }
  }

  @Test
  void everyListedItemIsStillInTheSources() {
    Set<Item> gone = listed();
    gone.removeAll(inSources());
    assertEquals(
        Set.of(),
        gone,
        "gone from the sources but still in retirement.tsv: remove their lines (or fix where)");
  }

  @Test
  void nothingOutlivesTheLastReleaseThatNeedsIt() {
    String version = Release.current().version();
    ReleaseLine now = ReleaseLine.of(version);
    Set<Item> present = inSources();
    List<String> overdue =
        RetirementList.read().stream()
            .filter(e -> present.contains(e.item()))
            .filter(e -> e.until().map(u -> now.compareTo(ReleaseLine.of(u)) > 0).orElse(false))
            .map(e -> "  " + e.item() + ", needed until " + e.until().orElseThrow())
            .toList();
    if (!overdue.isEmpty()) {
      fail(
          "This is amble "
              + version
              + ": these are past the last release that needs them; remove each, and its line in"
              + " retirement.tsv, before this is released (RELEASING.md, \"Retiring old code\"):\n"
              + String.join("\n", overdue));
    }
  }

  @Test
  void theScanFindsMarkersAliasesAndOldConstructorsButNotComments() {
    String source =
        CompatibilityScan.withoutComments(
            """
            package x;
            /** Workflow.getVersion("in-a-comment", 0, 1) */
            public record Pair(String left, @JsonAlias({"l", "lhs"}) List<Map<String, Integer>> right, int n) {
              static final String CHANGE = "pair-change";
              // public Pair(String left) { this(left, List.of(), 0); }
              public Pair(String left, List<Map<String, Integer>> right) { this(left, right, 0); }
              public Pair(int n) { this("", List.of(), n); }
              Pair twice() { return new Pair(left, right); }
              int decide() { return Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1); }
              int other() { return Workflow.getVersion("literal-change", Workflow.DEFAULT_VERSION, 1); }
            }
            """);
    assertEquals(
        List.of(
            new Item(Item.Kind.MARKER, "pair-change", "Pair.java"),
            new Item(Item.Kind.MARKER, "literal-change", "Pair.java"),
            new Item(Item.Kind.ALIAS, "right<-l", "Pair.java"),
            new Item(Item.Kind.ALIAS, "right<-lhs", "Pair.java"),
            new Item(Item.Kind.CONSTRUCTOR, "Pair(2)", "Pair.java")),
        CompatibilityScan.scan("Pair.java", source));
  }

  @Test
  void aMarkerWhoseChangeIdCannotBeNamedFails() {
    assertThrows(
        AssertionError.class,
        () ->
            CompatibilityScan.scan(
                "X.java", "int v(String id) { return Workflow.getVersion(id, -1, 1); }"));
  }

  @Test
  void releaseLinesCountMajorAndMinorOnly() {
    assertEquals(0, ReleaseLine.of("0.2.3").compareTo(ReleaseLine.of("0.2.0")));
    assertTrue(ReleaseLine.of("0.3.0-SNAPSHOT").compareTo(ReleaseLine.of("0.2.0")) > 0);
    assertTrue(ReleaseLine.of("1.0.0").compareTo(ReleaseLine.of("0.9.0")) > 0);
    assertThrows(IllegalArgumentException.class, () -> ReleaseLine.of("0.2"));
  }

  @Test
  void aMalformedLineIsRefusedWithItsLineNumber() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RetirementList.parse(
                    """
                    # kind\tname
                    marker\tx\tA.java\t0.2.0\t0.1.0\tfor old histories
                    """));
    assertEquals("retirement.tsv:2: until 0.1.0 is before since 0.2.0", e.getMessage());
  }
}
