package dev.amble.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * The amble release this build is: what {@code amble --version} and the worker's start line say. A
 * release is {@code MAJOR.MINOR.PATCH} (RELEASING.md); a development build has a {@code -SNAPSHOT}
 * version and says so, with the commit it was built from when git was there to ask.
 *
 * @param version the project's version, e.g. {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}
 * @param commit the abbreviated git commit of the build; empty when built outside a checkout
 */
public record Release(String version, Optional<String> commit) {
  private static final String RESOURCE = "build.properties";

  /** This build's release, from the resource Maven wrote. */
  public static Release current() {
    Properties p = new Properties();
    try (InputStream in = Release.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "amble: " + RESOURCE + " is missing from the build (workflows/pom.xml writes it)");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Release(p.getProperty("version"), filled(p.getProperty("commit", "")));
  }

  /** A value Maven filled in; an unresolved {@code ${...}} (no git at build time) is none. */
  private static Optional<String> filled(String value) {
    return value.isBlank() || value.startsWith("${") ? Optional.empty() : Optional.of(value);
  }

  /** Whether this is a development build rather than a release. */
  public boolean development() {
    return version.endsWith("-SNAPSHOT");
  }

  /**
   * For people: a release is its number, {@code 0.1.0}; a development build says so, with its
   * commit when there was one: {@code 0.2.0-SNAPSHOT (development build, git 1a2b3c4d5e)}.
   */
  @Override
  public String toString() {
    return development()
        ? version + " (development build" + commit.map(c -> ", git " + c).orElse("") + ")"
        : version;
  }
}
