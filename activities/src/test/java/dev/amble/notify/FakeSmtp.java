package dev.amble.notify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A scripted SMTP server on 127.0.0.1, a free port, that keeps every line a client sends. {@code
 * PLAIN} offers AUTH but no STARTTLS (a server a man in the middle could be); {@code ENDLESS}
 * greets with continuation lines forever.
 */
final class FakeSmtp implements AutoCloseable {
  enum Mode {
    PLAIN,
    ENDLESS
  }

  final List<String> lines = new CopyOnWriteArrayList<>();
  final CountDownLatch hungUp = new CountDownLatch(1);
  private final ServerSocket server;
  private final Mode mode;

  FakeSmtp(Mode mode) {
    this.mode = mode;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(this::serve, "fake-smtp");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    try (Socket s = server.accept()) {
      OutputStream out = s.getOutputStream();
      if (mode == Mode.ENDLESS) {
        byte[] line = "220-still greeting you\r\n".getBytes(StandardCharsets.US_ASCII);
        while (true) {
          out.write(line);
        }
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      say(out, "220 fake ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
        switch (verb) {
          case "EHLO" -> say(out, "250-fake\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
          case "QUIT" -> {
            say(out, "221 bye");
            return;
          }
          case "AUTH" -> say(out, "235 accepted");
          default -> say(out, "250 ok");
        }
      }
    } catch (IOException e) {
      // the client hung up
    } finally {
      hungUp.countDown();
    }
  }

  private static void say(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
