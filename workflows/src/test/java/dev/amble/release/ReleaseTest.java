package dev.amble.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  @Test
  void theBuildKnowsItsReleaseFromTheProjectVersion() {
    assertEquals(System.getProperty("amble.version"), Release.current().version());
  }

  @Test
  void aReleaseIsItsNumber() {
    assertEquals("0.1.0", new Release("0.1.0", Optional.of("1a2b3c4d5e")).toString());
  }

  @Test
  void aDevelopmentBuildSaysSoWithItsCommitWhenThereIsOne() {
    assertEquals(
        "0.2.0-SNAPSHOT (development build, git 1a2b3c4d5e)",
        new Release("0.2.0-SNAPSHOT", Optional.of("1a2b3c4d5e")).toString());
    assertEquals(
        "0.2.0-SNAPSHOT (development build)",
        new Release("0.2.0-SNAPSHOT", Optional.empty()).toString());
  }
}
