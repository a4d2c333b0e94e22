package dev.amble.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile receiver on 127.0.0.1, a free port: after the request's head it never answers, or
 * answers headers and then streams a body forever (fast, or a byte at a time). {@link #hungUp}
 * opens when the sender closed the connection.
 */
final class StuckReceiver implements AutoCloseable {
  enum Mode {
    NEVER_ANSWERS,
    STREAMS_FOREVER,
    DRIPS_FOREVER
  }

  final CountDownLatch connected = new CountDownLatch(1);
  final CountDownLatch hungUp = new CountDownLatch(1);
  final AtomicLong written = new AtomicLong();
  private final ServerSocket server;
  private final Mode mode;

  StuckReceiver(Mode mode) {
    this.mode = mode;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread t = new Thread(this::serve, "stuck-receiver");
    t.setDaemon(true);
    t.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
  }

  private void serve() {
    try (Socket s = server.accept()) {
      connected.countDown();
      InputStream in = s.getInputStream();
      readHead(in);
      OutputStream out = s.getOutputStream();
      switch (mode) {
        case NEVER_ANSWERS -> {
          while (in.read() >= 0) {
            // hold the connection until the sender hangs up
          }
        }
        case STREAMS_FOREVER -> {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                  .getBytes(StandardCharsets.UTF_8));
          byte[] chunk = new byte[8192];
          java.util.Arrays.fill(chunk, (byte) 'x');
          while (true) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
        }
        case DRIPS_FOREVER -> {
          out.write(
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                  .getBytes(StandardCharsets.UTF_8));
          while (true) {
            out.write('x');
            out.flush();
            written.incrementAndGet();
            Thread.sleep(20);
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      // the sender hung up (or the test ended)
    } finally {
      hungUp.countDown();
    }
  }

  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    int b;
    while (matched < end.length && (b = in.read()) >= 0) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
