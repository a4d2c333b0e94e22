package dev.amble.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * retirement.tsv: every marker, alias and old-arity constructor the sources keep, with the release
 * that added it and the last release that must still have it (RELEASING.md, "Retiring old code").
 * One line each, tab-separated: kind, name, where, since, until ({@code kept}: not compatibility,
 * stays), what it is for. Lines starting with {@code #} are comments.
 */
final class RetirementList {
  static final String RESOURCE = "retirement.tsv";
  static final String KEPT = "kept";

  /**
   * One line of the list.
   *
   * @param until the last release line that must still have it; empty: kept for good
   */
  record Entry(Item item, String since, Optional<String> until, String what) {}

  private RetirementList() {}

  static List<Entry> read() {
    try (InputStream in = RetirementList.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Entry> parse(String text) {
    List<Entry> entries = new ArrayList<>();
    Set<Item> seen = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String at = RESOURCE + ":" + (n + 1) + ": ";
      String[] f = line.split("\t", -1);
      if (f.length != 6) {
        throw new IllegalArgumentException(
            at + "6 tab-separated fields (kind, name, where, since, until, what), not " + f.length);
      }
      try {
        Item item = new Item(Item.Kind.of(f[0]), f[1], f[2]);
        ReleaseLine since = ReleaseLine.of(f[3]);
        Optional<String> until = f[4].equals(KEPT) ? Optional.empty() : Optional.of(f[4]);
        if (until.isPresent() && ReleaseLine.of(until.get()).compareTo(since) < 0) {
          throw new IllegalArgumentException("until " + f[4] + " is before since " + f[3]);
        }
        if (f[5].isBlank()) {
          throw new IllegalArgumentException("say what it is for");
        }
        if (!seen.add(item)) {
          throw new IllegalArgumentException(item + " is listed twice");
        }
        entries.add(new Entry(item, f[3], until, f[5]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + e.getMessage(), e);
      }
    }
    return entries;
  }
}
