package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each broken Amblefile of the corpus (kept with the loader's tests) makes every command exit 2,
 * printing exactly its problems on stderr and nothing on stdout.
 */
class BrokenAmblefileCliTest {
  static final Path CORPUS = Path.of("../workflows/src/test/resources/amblefiles/broken");

  static Stream<Path> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
      assertTrue(list.size() >= 25);
      return list.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void exitsTwoWithTheProblems(Path file) throws IOException {
    String name = file.getFileName().toString();
    String expected = Files.readString(file.resolveSibling(name.replace(".yml", ".expected")));
    for (String[] command : new String[][] {{"workspace", "list"}, {"plan"}}) {
      String[] args =
          Stream.concat(Stream.of("-f", name), Stream.of(command)).toArray(String[]::new);
      CliRun run = CliRun.run(CORPUS.toAbsolutePath(), args);
      assertEquals(2, run.code(), run.toString());
      assertEquals(expected, run.err());
      assertEquals("", run.out());
    }
  }
}
