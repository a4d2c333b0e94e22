package dev.amble.cli;

import picocli.CommandLine;

/** The version, from the jar's manifest when there is one. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Amble.class.getPackage().getImplementationVersion();
    return new String[] {"amble " + (v == null ? "(development build)" : v)};
  }
}
