package dev.amble.amblefile.yaml;

/** Dotted paths into a document, as problems name them: {@code workspaces.prod.concurrency}. */
public final class KeyPath {
  private KeyPath() {}

  public static String child(String parent, String key) {
    String shown = key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key.replace("\"", "\\\"") + "\"";
    return parent.isEmpty() ? shown : parent + "." + shown;
  }

  public static String item(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
