package dev.amble.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Where a Temporal on this machine listens unless told otherwise: the one owner of amble's default
 * host and ports. The CLI's default address, the embedded server, {@code amble server} and its Web
 * UI all take them from here; each port can be set (see the commands' options).
 */
public final class LocalTemporal {
  /** Loopback only: an unauthenticated Temporal has no business on other interfaces. */
  public static final String HOST = "127.0.0.1";

  public static final int FRONTEND_PORT = 7233;
  public static final int WEB_UI_PORT = 8233;

  /** A constant expression, so that option descriptions and help texts can name it. */
  public static final String DEFAULT_ADDRESS = HOST + ":" + FRONTEND_PORT;

  private LocalTemporal() {}

  public static String address(int port) {
    return HOST + ":" + port;
  }

  public static String webUiUrl(int port) {
    return "http://" + HOST + ":" + port;
  }

  /** Whether nothing listens on this loopback port now (it may be taken a moment later). */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** A loopback port nothing listens on now, chosen by the system. */
  public static int anyFreePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }
}
