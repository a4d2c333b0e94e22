package dev.amble.cli.common;

import java.net.InetSocketAddress;
import java.util.Optional;

/** {@code HOST:PORT}, as the options of the listening commands take it. */
public final class HostPort {
  private HostPort() {}

  /**
   * The address {@code text} names (an IPv6 host may be in brackets: {@code [::1]:8235}); empty
   * when it is not HOST:PORT with a port from 0 to 65535.
   */
  public static Optional<InetSocketAddress> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 1) {
      return Optional.empty();
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (port < 0 || port > 65535) {
      return Optional.empty();
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    return Optional.of(new InetSocketAddress(host, port));
  }
}
