package dev.amble.amblefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the corpus {@code amblefiles/broken/NN-name.yml} is refused with exactly the
 * problems written in {@code NN-name.expected}: file, line, column, path and message.
 */
class BrokenAmblefilesTest {
  static final Path CORPUS = Path.of("src/test/resources/amblefiles/broken");

  static Stream<Path> corpus() throws IOException {
    return LoaderContract.inputs(CORPUS);
  }

  @Test
  void theCorpusIsLargeAndEveryFileHasItsExpectation() throws IOException {
    List<Path> files = corpus().toList();
    assertTrue(files.size() >= 25, "only " + files.size() + " broken Amblefiles");
    for (Path f : files) {
      assertTrue(Files.exists(expected(f)), "no expectation for " + f);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithExactProblems(Path file) throws IOException {
    String name = file.getFileName().toString();
    AmblefileException e =
        assertThrows(AmblefileException.class, () -> AmblefileLoader.load(file, name));
    assertEquals(Files.readString(expected(file)), e.report());
  }

  private static Path expected(Path yml) {
    return yml.resolveSibling(yml.getFileName().toString().replace(".yml", ".expected"));
  }
}
