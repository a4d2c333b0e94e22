package dev.amble.cli.start;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What `amble run` says of the paths the pack left out because git or .ambleignore ignore them. */
class RolloutContentTest {
  @Test
  void oneLineWithTheCountAndTheFirstFewPaths() {
    assertEquals(Optional.empty(), RolloutContent.ignored(List.of()));
    assertEquals(
        Optional.of("content: left out 1 path that git ignores or .ambleignore names: .env"),
        RolloutContent.ignored(List.of(".env")));
    assertEquals(
        Optional.of(
            "content: left out 7 paths that git ignores or .ambleignore names: .env, .vault_pass,"
                + " keys/, a.pem, b.pem, and 2 more"),
        RolloutContent.ignored(
            List.of(".env", ".vault_pass", "keys/", "a.pem", "b.pem", "c.pem", "d.pem")));
  }
}
