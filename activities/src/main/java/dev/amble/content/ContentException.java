package dev.amble.content;

/** Content that cannot be packed, kept or unpacked; the message says what and how to fix it. */
public final class ContentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ContentException(String message) {
    super(message);
  }

  public ContentException(String message, Throwable cause) {
    super(message, cause);
  }
}
