package dev.amble.ansible;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * The pumps that copy a run's output (stdout and stderr) into its log, watched: commons-exec's
 * pumps stop quietly at the first failed read or write (a full disk), after which nobody reads
 * Ansible's output and the run blocks until its timeout. The first failure of each kind is kept
 * here, so that the runner ends the run at once and says why.
 */
final class WatchedOutput extends PumpStreamHandler {
  private final AtomicReference<String> writeFailure;
  private final AtomicReference<String> readFailure = new AtomicReference<>();

  private WatchedOutput(Watched log, InputStream stdin) {
    super(log, log, stdin);
    this.writeFailure = log.failure;
  }

  /** Pumps into {@code log}, and {@code stdin} (if any) into the process. */
  static WatchedOutput into(OutputStream log, InputStream stdin) {
    return new WatchedOutput(new Watched(log), stdin);
  }

  /** Why writing the log failed, in one line; empty while it has not. */
  Optional<String> writeFailure() {
    return Optional.ofNullable(writeFailure.get());
  }

  /** Why reading the process's output failed, in one line; empty while it has not. */
  Optional<String> readFailure() {
    return Optional.ofNullable(readFailure.get());
  }

  @Override
  public void setProcessOutputStream(InputStream is) {
    super.setProcessOutputStream(new WatchedInput(is));
  }

  @Override
  public void setProcessErrorStream(InputStream is) {
    super.setProcessErrorStream(new WatchedInput(is));
  }

  /** The log, its first failed write kept. */
  private static final class Watched extends FilterOutputStream {
    final AtomicReference<String> failure = new AtomicReference<>();

    Watched(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure.compareAndSet(null, e.getMessage());
        throw e;
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        failure.compareAndSet(null, e.getMessage());
        throw e;
      }
    }

    @Override
    public void close() {
      // the runner closes the log itself, after the run
    }
  }

  /** The process's output, its first failed read kept. */
  private final class WatchedInput extends FilterInputStream {
    WatchedInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        readFailure.compareAndSet(null, e.getMessage());
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        readFailure.compareAndSet(null, e.getMessage());
        throw e;
      }
    }
  }
}
