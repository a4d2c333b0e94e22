package dev.amble.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * {@code %cause} in logback.xml: the innermost cause of a logged exception, on the same line
 * ({@code : Type: message}), in place of its stack trace; empty when none was logged.
 */
public final class OneLineCause extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy t = event.getThrowableProxy();
    if (t == null) {
      return "";
    }
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String type = t.getClassName().substring(t.getClassName().lastIndexOf('.') + 1);
    String message = t.getMessage() == null ? "" : ": " + t.getMessage();
    return (": " + type + message).replaceAll("\\s+", " ");
  }
}
