package dev.amble.amblefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every input that once broke {@link LoaderContract} ({@code amblefiles/fuzz/found/}, one
 * file per bug, found by {@link AmblefileFuzzTest} or by hand): each must now load, or be refused
 * with {@code FILE:LINE:COL} problems, and where {@code NAME.expected} is kept beside {@code
 * NAME.yml}, with exactly those problems.
 */
class AmblefileFuzzRegressionTest {
  static final Path FOUND = Path.of("src/test/resources/amblefiles/fuzz/found");

  static Stream<Path> found() throws IOException {
    return LoaderContract.inputs(FOUND);
  }

  @Test
  void theFoundInputsAreKept() throws IOException {
    List<Path> files = found().toList();
    assertFalse(files.isEmpty(), "no inputs in " + FOUND);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("found")
  void keepsTheContract(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    LoaderContract.check(text);
    Path expected = file.resolveSibling(file.getFileName().toString().replace(".yml", ".expected"));
    if (Files.exists(expected)) {
      AmblefileException e =
          assertThrows(
              AmblefileException.class,
              () ->
                  AmblefileLoader.parse(
                      LoaderContract.FOLDER.resolve(LoaderContract.SHOWN_AS),
                      LoaderContract.SHOWN_AS,
                      text));
      assertEquals(Files.readString(expected), e.report());
    }
  }

  /** Inputs too large to keep as files, built here. */
  static Stream<Arguments> extremes() throws IOException {
    String valid = Files.readString(LoaderContract.FOLDER.resolve("Amblefile.yml"));
    return Stream.of(
        Arguments.of("over YAML's 3 MB limit", valid + "# " + "x".repeat(3_200_000) + "\n"),
        Arguments.of(
            "billion laughs",
            valid.replace(
                "host_pattern: all", "host_pattern: " + AmblefileFuzzTest.billionLaughs())),
        Arguments.of(
            "nested 100,000 deep",
            valid.replace(
                "concurrency: 3", "concurrency: " + "[".repeat(100_000) + "]".repeat(100_000))),
        Arguments.of(
            "a precondition of 1,000 terms",
            valid.replace(
                "facts.ansible_distribution == \"Debian\" &&",
                "true && ".repeat(1_000) + "facts.ansible_distribution == \"Debian\" &&")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("extremes")
  void keepsTheContractAtTheExtremes(String name, String text) {
    LoaderContract.check(text);
  }
}
