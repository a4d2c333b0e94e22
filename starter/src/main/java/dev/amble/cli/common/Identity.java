package dev.amble.cli.common;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who acts: {@code user@machine}, recorded with catches, releases, rollouts and host locks. */
public final class Identity {
  private Identity() {}

  public static String operator() {
    return System.getProperty("user.name", "someone") + "@" + machine();
  }

  public static String controller(String role) {
    return role + "@" + machine() + ":" + ProcessHandle.current().pid();
  }

  static String machine() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
