package dev.amble.amblefile;

import dev.amble.amblefile.yaml.Position;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The problems found in one Amblefile so far. */
final class Problems {
  private final String file;
  private final List<AmblefileProblem> found = new ArrayList<>();
  private final List<AmblefileProblem> warnings = new ArrayList<>();

  Problems(String file) {
    this.file = file;
  }

  void add(Position at, String path, String message) {
    found.add(new AmblefileProblem(file, at, path, message));
  }

  /** Something the operator should know that does not keep the file from loading. */
  void warn(Position at, String path, String message) {
    warnings.add(new AmblefileProblem(file, at, path, "warning: " + message));
  }

  List<AmblefileProblem> warnings() {
    return List.copyOf(warnings);
  }

  boolean any() {
    return !found.isEmpty();
  }

  /** In file order; a problem found twice is reported once. */
  List<AmblefileProblem> inFileOrder() {
    return found.stream()
        .distinct()
        .sorted(
            Comparator.comparingInt((AmblefileProblem p) -> p.position().line())
                .thenComparingInt(p -> p.position().column()))
        .toList();
  }
}
