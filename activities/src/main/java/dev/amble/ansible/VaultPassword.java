package dev.amble.ansible;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Ansible Vault password ({@code --vault-password-file}), held by the process that runs Ansible
 * only. The launcher hands it to Ansible on a pipe of its own, which Ansible reads as its vault
 * password file ({@code /dev/fd/N}): it never enters workflow input, history, logs, an environment,
 * a file or an argument list. {@link #toString()} never shows it.
 */
public final class VaultPassword {
  private final byte[] secret;

  private VaultPassword(byte[] secret) {
    this.secret = secret.clone();
  }

  /**
   * The password as Ansible reads a vault password file: its content, without surrounding
   * whitespace. Empty when nothing is left.
   */
  public static Optional<VaultPassword> of(char[] text) {
    if (text == null) {
      return Optional.empty();
    }
    String trimmed = new String(text).strip();
    return trimmed.isEmpty()
        ? Optional.empty()
        : Optional.of(new VaultPassword(trimmed.getBytes(StandardCharsets.UTF_8)));
  }

  /** The bytes the launcher hands to Ansible. */
  byte[] bytes() {
    return secret.clone();
  }

  /**
   * The plaintext of an inline vault value ({@code $ANSIBLE_VAULT;1.1;AES256} or 1.2, as {@code
   * ansible-inventory} prints it, under {@code __ansible_vault}); empty when it is not one or this
   * password does not open it. Ansible's format: the hex of "salt, HMAC, ciphertext" in hex lines;
   * PBKDF2-SHA256 (10,000 rounds) gives the AES-256-CTR key, the HMAC-SHA256 key and the counter.
   */
  Optional<String> decrypt(String vaultText) {
    String[] lines = vaultText.strip().split("\\R");
    String[] header = lines[0].strip().split(";");
    if (header.length < 3 || !header[0].equals("$ANSIBLE_VAULT") || !header[2].equals("AES256")) {
      return Optional.empty();
    }
    try {
      HexFormat hex = HexFormat.of();
      String body =
          new String(
              hex.parseHex(String.join("", Arrays.copyOfRange(lines, 1, lines.length)).strip()),
              StandardCharsets.US_ASCII);
      String[] parts = body.split("\n");
      if (parts.length != 3) {
        return Optional.empty();
      }
      byte[] salt = hex.parseHex(parts[0].strip());
      byte[] mac = hex.parseHex(parts[1].strip());
      byte[] ciphertext = hex.parseHex(parts[2].strip());
      byte[] keys = pbkdf2(salt);
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(keys, 32, 32, "HmacSHA256"));
      if (!MessageDigest.isEqual(hmac.doFinal(ciphertext), mac)) {
        return Optional.empty();
      }
      Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(keys, 0, 32, "AES"),
          new IvParameterSpec(keys, 64, 16));
      byte[] padded = aes.doFinal(ciphertext);
      int pad = padded.length == 0 ? 0 : padded[padded.length - 1] & 0xff;
      if (pad < 1 || pad > 16 || pad > padded.length) {
        return Optional.empty();
      }
      return Optional.of(new String(padded, 0, padded.length - pad, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private byte[] pbkdf2(byte[] salt) throws GeneralSecurityException {
    char[] chars = new String(secret, StandardCharsets.UTF_8).toCharArray();
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(chars, salt, 10_000, 80 * 8))
          .getEncoded();
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  @Override
  public String toString() {
    return "VaultPassword(****)";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaultPassword v && Arrays.equals(secret, v.secret);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(secret);
  }
}
