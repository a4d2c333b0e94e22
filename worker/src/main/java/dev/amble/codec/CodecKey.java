package dev.amble.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256 key that encrypts payloads, and its ID. A key file holds the 32 bytes of the key in
 * base64 on one line (what {@code openssl rand -base64 32} prints). The ID is derived from the key
 * (a prefix of its SHA-256), so a file cannot name the wrong ID and an ID says nothing usable about
 * the key. Messages name the file and the ID, never the key's content.
 */
public record CodecKey(String id, SecretKey key) {
  static final int BYTES = 32;

  public CodecKey {
    if (key.getEncoded().length != BYTES) {
      throw new IllegalArgumentException("an AES-256 key has " + BYTES + " bytes");
    }
  }

  public static CodecKey of(byte[] material) {
    if (material.length != BYTES) {
      throw new IllegalArgumentException("an AES-256 key has " + BYTES + " bytes");
    }
    return new CodecKey(idOf(material), new SecretKeySpec(material, "AES"));
  }

  /** The key in {@code file}; an {@link IllegalArgumentException} naming the file if it is none. */
  public static CodecKey read(Path file) {
    byte[] text;
    try {
      text = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "codec key file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    byte[] material;
    try {
      material = Base64.getDecoder().decode(new String(text, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      material = new byte[0];
    } finally {
      Arrays.fill(text, (byte) 0);
    }
    if (material.length != BYTES) {
      throw new IllegalArgumentException(
          "codec key file "
              + file
              + " does not hold a key: it should hold "
              + BYTES
              + " random bytes in base64 on one line (openssl rand -base64 32)");
    }
    return of(material);
  }

  /**
   * A new random key written to {@code file}, readable by its owner only (mode 0600 from its
   * creation on, never wider); fails ({@link java.nio.file.FileAlreadyExistsException}) if the file
   * exists.
   */
  public static CodecKey create(Path file) throws IOException {
    byte[] material = new byte[BYTES];
    new SecureRandom().nextBytes(material);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(
        file,
        (Base64.getEncoder().encodeToString(material) + "\n").getBytes(StandardCharsets.US_ASCII),
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    return of(material);
  }

  private static String idOf(byte[] material) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("amble payload key id\n".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(sha.digest(material), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "CodecKey[" + id + "]";
  }
}
