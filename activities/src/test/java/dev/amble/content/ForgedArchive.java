package dev.amble.content;

import com.google.common.hash.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * An archive written by hand, as an attacker would: any entries, in any order, with the digest of
 * what was written (so the digest check alone stops none of them).
 */
final class ForgedArchive {
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(raw);
  private final int version;

  ForgedArchive(int version) {
    this.version = version;
    io(() -> out.writeUTF("amble-content-" + version));
  }

  ForgedArchive folder(String path) {
    return io(
        () -> {
          out.writeByte('D');
          out.writeUTF(path);
        });
  }

  ForgedArchive link(String path, String target) {
    return io(
        () -> {
          out.writeByte('L');
          out.writeUTF(path);
          out.writeUTF(target);
        });
  }

  ForgedArchive file(String path, String text) {
    return file(path, 0644, text.getBytes(StandardCharsets.UTF_8));
  }

  ForgedArchive file(String path, int mode, byte[] data) {
    return io(
        () -> {
          out.writeByte('F');
          out.writeUTF(path);
          if (version == 1) {
            out.writeBoolean((mode & 0100) != 0);
          } else {
            out.writeShort(mode);
          }
          out.writeLong(data.length);
          out.write(data);
        });
  }

  /** A file header claiming {@code length} bytes, followed by {@code written} zero bytes. */
  ForgedArchive claim(String path, long length, long written) {
    return io(
        () -> {
          out.writeByte('F');
          out.writeUTF(path);
          if (version == 1) {
            out.writeBoolean(false);
          } else {
            out.writeShort(0644);
          }
          out.writeLong(length);
          byte[] zeros = new byte[64 * 1024];
          for (long left = written; left > 0; left -= zeros.length) {
            out.write(zeros, 0, (int) Math.min(zeros.length, left));
          }
        });
  }

  /** The archive, ended; and its digest, right for these bytes. */
  Sealed seal() {
    io(() -> out.writeByte('E'));
    byte[] stream = raw.toByteArray();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(stream);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Sealed(gz.toByteArray(), "sha256:" + Hashing.sha256().hashBytes(stream));
  }

  record Sealed(byte[] bytes, String digest) {}

  private interface Io {
    void run() throws IOException;
  }

  private ForgedArchive io(Io io) {
    try {
      io.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
