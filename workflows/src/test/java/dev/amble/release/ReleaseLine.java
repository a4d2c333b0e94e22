package dev.amble.release;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release's line, {@code MAJOR.MINOR}: what retirement counts in. Patch releases of a line keep
 * everything the line keeps, and a development build {@code 0.3.0-SNAPSHOT} is on line 0.3.
 */
record ReleaseLine(int major, int minor) implements Comparable<ReleaseLine> {
  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(-SNAPSHOT)?");

  static ReleaseLine of(String version) {
    Matcher m = VERSION.matcher(version);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + version + "\" is not a release (MAJOR.MINOR.PATCH, or that and -SNAPSHOT)");
    }
    return new ReleaseLine(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  @Override
  public int compareTo(ReleaseLine other) {
    return major != other.major
        ? Integer.compare(major, other.major)
        : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
