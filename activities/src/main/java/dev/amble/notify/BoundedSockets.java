package dev.amble.notify;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.SocketFactory;

/**
 * Sockets for one SMTP conversation (Jakarta Mail's {@code mail.smtp.socketFactory}): together they
 * read at most {@code cap} bytes, no read starts after the deadline, and {@link #close} ends them
 * from another thread. TLS (STARTTLS or SMTPS) is layered over them, so it is bounded too.
 */
final class BoundedSockets extends SocketFactory implements AutoCloseable {
  private final long cap;
  private final Instant deadline;
  private final Clock clock;
  private final List<Socket> opened = new ArrayList<>();
  private long read;
  private boolean closed;

  BoundedSockets(long cap, Instant deadline, Clock clock) {
    this.cap = cap;
    this.deadline = deadline;
    this.clock = clock;
  }

  @Override
  public Socket createSocket() throws IOException {
    Bounded s = new Bounded();
    synchronized (this) {
      if (closed) {
        throw new SocketTimeoutException("the delivery's deadline passed");
      }
      opened.add(s);
    }
    return s;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw new UnsupportedOperationException("connect with createSocket() and connect()");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress local, int localPort) {
    throw new UnsupportedOperationException("connect with createSocket() and connect()");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) {
    throw new UnsupportedOperationException("connect with createSocket() and connect()");
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) {
    throw new UnsupportedOperationException("connect with createSocket() and connect()");
  }

  /** Ends every socket: a read blocked in another thread fails at once. */
  @Override
  public void close() {
    List<Socket> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(opened);
    }
    for (Socket s : all) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing is all we can do
      }
    }
  }

  private synchronized void count(long n) throws IOException {
    read += n;
    if (read > cap) {
      throw new IOException("the server sent more than " + cap + " bytes");
    }
  }

  private void check() throws IOException {
    if (clock.instant().isAfter(deadline)) {
      throw new SocketTimeoutException("the delivery's deadline passed");
    }
  }

  private final class Bounded extends Socket {
    private InputStream in;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (in == null) {
        in =
            new FilterInputStream(super.getInputStream()) {
              @Override
              public int read() throws IOException {
                check();
                int b = super.read();
                if (b >= 0) {
                  count(1);
                }
                return b;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                check();
                int n = super.read(b, off, len);
                if (n > 0) {
                  count(n);
                }
                return n;
              }
            };
      }
      return in;
    }
  }
}
