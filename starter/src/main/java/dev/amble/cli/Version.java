package dev.amble.cli;

import dev.amble.release.Release;
import picocli.CommandLine;

/** {@code amble --version}: the release this build is (RELEASING.md), e.g. {@code amble 0.1.0}. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"amble " + Release.current()};
  }
}
