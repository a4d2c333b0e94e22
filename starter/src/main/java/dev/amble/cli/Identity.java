package dev.amble.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who acts: {@code user@machine}, recorded with catches, releases, rollouts and host locks. */
final class Identity {
  private Identity() {}

  static String operator() {
    return System.getProperty("user.name", "someone") + "@" + machine();
  }

  static String controller(String role) {
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
