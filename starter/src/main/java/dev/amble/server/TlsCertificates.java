package dev.amble.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The files of a local server run with TLS, in one folder: a CA ({@code ca.pem}, {@code ca.key}),
 * the server's certificate for 127.0.0.1 and localhost ({@code server.pem}, {@code server.key}),
 * the certificate of the CLI and workers ({@code client.pem}, {@code client.key}) and the Web UI's
 * own ({@code ui.pem}, {@code ui.key}). Keys are PKCS#8 PEM (EC P-256), mode 0600 from their
 * creation on; the folder is 0700.
 *
 * <p>Certificates are built with BouncyCastle's bcpkix: the JDK signs and verifies but has no
 * public API to build one.
 */
public record TlsCertificates(Path dir, List<String> extraNames) {
  public static final String CA = "ca.pem";
  static final String CA_KEY = "ca.key";
  public static final String SERVER = "server.pem";
  public static final String SERVER_KEY = "server.key";
  public static final String CLIENT = "client.pem";
  public static final String CLIENT_KEY = "client.key";
  public static final String UI = "ui.pem";
  public static final String UI_KEY = "ui.key";

  /** How long the CA is valid. */
  static final Duration CA_VALIDITY = Duration.ofDays(3650);

  /** How long the server's and clients' certificates are valid. */
  static final Duration LEAF_VALIDITY = Duration.ofDays(825);

  /** The names the server's certificate is valid for: where the local server listens. */
  static final String SERVER_IP = "127.0.0.1";

  static final String SERVER_DNS = "localhost";

  /**
   * @param extraNames names the server's certificate is valid for besides 127.0.0.1 and localhost
   *     (where workers on other machines reach it): host names, or IP addresses
   */
  public TlsCertificates {
    dir = dir.toAbsolutePath().normalize();
    extraNames = List.copyOf(extraNames);
    for (String name : extraNames) {
      if (!name.matches("[A-Za-z0-9.:*-]+")) {
        throw new IllegalArgumentException(
            "\"" + name + "\" is neither a host name nor an IP address");
      }
    }
  }

  public TlsCertificates(Path dir) {
    this(dir, List.of());
  }

  public Path ca() {
    return dir.resolve(CA);
  }

  public Path serverCert() {
    return dir.resolve(SERVER);
  }

  public Path serverKey() {
    return dir.resolve(SERVER_KEY);
  }

  public Path clientCert() {
    return dir.resolve(CLIENT);
  }

  public Path clientKey() {
    return dir.resolve(CLIENT_KEY);
  }

  /** The Web UI's certificate: its own, or the clients' in a folder that has none for it. */
  public Path uiCert() {
    return Files.exists(dir.resolve(UI)) ? dir.resolve(UI) : clientCert();
  }

  public Path uiKey() {
    return Files.exists(dir.resolve(UI)) ? dir.resolve(UI_KEY) : clientKey();
  }

  /** The standard settings the CLI and workers connect to the server with. */
  public Map<String, String> clientEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TEMPORAL_TLS", "true");
    env.put("TEMPORAL_TLS_SERVER_CA_CERT_PATH", ca().toString());
    env.put("TEMPORAL_TLS_CLIENT_CERT_PATH", clientCert().toString());
    env.put("TEMPORAL_TLS_CLIENT_KEY_PATH", clientKey().toString());
    return env;
  }

  /**
   * The folder's certificates: created when it has no {@code ca.pem} (true), taken as they are
   * otherwise (false) once each file the server needs is there and no certificate has expired.
   *
   * @throws IllegalArgumentException what is missing or expired, and what to do
   */
  public boolean ensure(Instant now) throws IOException {
    if (!Files.exists(ca())) {
      create(now);
      return true;
    }
    List<String> missing = new ArrayList<>();
    for (Path file : List.of(serverCert(), serverKey(), clientCert(), clientKey())) {
      if (!Files.isReadable(file)) {
        missing.add(file.getFileName().toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          dir
              + " has "
              + CA
              + " but not "
              + String.join(", ", missing)
              + ": give a folder with all of ca.pem, server.pem, server.key, client.pem and"
              + " client.key, or an empty one for amble to fill");
    }
    List<String> listed = new ArrayList<>();
    try {
      for (List<?> san :
          java.util.Objects.requireNonNullElse(
              read(serverCert()).getSubjectAlternativeNames(), List.<List<?>>of())) {
        listed.add(String.valueOf(san.get(1)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(serverCert() + ": " + e.getMessage(), e);
    }
    for (String name : extraNames) {
      if (!listed.contains(name)) {
        throw new IllegalArgumentException(
            serverCert()
                + " is not valid for "
                + name
                + " (it lists "
                + String.join(", ", listed)
                + "): give a folder without ca.pem for new certificates");
      }
    }
    for (Path file : List.of(ca(), serverCert(), clientCert(), uiCert())) {
      X509Certificate cert = read(file);
      if (cert.getNotAfter().toInstant().isBefore(now)) {
        throw new IllegalArgumentException(
            file
                + " expired on "
                + cert.getNotAfter().toInstant()
                + ": replace it, or move "
                + dir
                + " away and start again for new certificates");
      }
    }
    return false;
  }

  /** A new CA and the certificates it signs, in a new or empty folder. */
  void create(Instant now) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try {
      KeyPair caKeys = keyPair();
      X500Principal caName = new X500Principal("CN=amble local CA " + now.getEpochSecond());
      X509Certificate ca =
          sign(
              caName,
              caKeys,
              caName,
              caKeys,
              now,
              CA_VALIDITY,
              b -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
              });
      writeKey(dir.resolve(CA_KEY), caKeys);
      writeCert(ca(), ca);
      // The server's certificate serves internode connections too, as client and server.
      leaf(
          "amble server",
          ca,
          caKeys,
          now,
          serverCert(),
          serverKey(),
          List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth),
          serverNames());
      leaf(
          "amble client",
          ca,
          caKeys,
          now,
          clientCert(),
          clientKey(),
          List.of(KeyPurposeId.id_kp_clientAuth),
          List.of());
      leaf(
          "amble web ui",
          ca,
          caKeys,
          now,
          dir.resolve(UI),
          dir.resolve(UI_KEY),
          List.of(KeyPurposeId.id_kp_clientAuth),
          List.of());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create TLS certificates: " + e.getMessage(), e);
    }
  }

  private void leaf(
      String name,
      X509Certificate ca,
      KeyPair caKeys,
      Instant now,
      Path certFile,
      Path keyFile,
      List<KeyPurposeId> purposes,
      List<GeneralName> serverNames)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair keys = keyPair();
    X509Certificate cert =
        sign(
            new X500Principal("CN=" + name),
            keys,
            ca.getSubjectX500Principal(),
            caKeys,
            now,
            LEAF_VALIDITY,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
              b.addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
              b.addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
              if (!serverNames.isEmpty()) {
                b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(serverNames.toArray(GeneralName[]::new)));
              }
            });
    writeKey(keyFile, keys);
    writeCert(certFile, cert);
  }

  /** 127.0.0.1, localhost, then the extra names (an IP address if it reads as one). */
  private List<GeneralName> serverNames() {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.iPAddress, SERVER_IP));
    names.add(new GeneralName(GeneralName.dNSName, SERVER_DNS));
    for (String name : extraNames) {
      boolean ip = name.contains(":") || name.matches("[0-9.]+");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return names;
  }

  private interface Extensions {
    void add(JcaX509v3CertificateBuilder builder) throws CertIOException, GeneralSecurityException;
  }

  private static X509Certificate sign(
      X500Principal subject,
      KeyPair subjectKeys,
      X500Principal issuer,
      KeyPair issuerKeys,
      Instant now,
      Duration validity,
      Extensions extensions)
      throws GeneralSecurityException, OperatorCreationException, CertIOException {
    // A minute back: a clock a little behind ours still finds the certificate valid.
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(127, RANDOM).add(BigInteger.ONE),
            Date.from(now.minusSeconds(60)),
            Date.from(now.plus(validity)),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
    extensions.add(builder);
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static void writeKey(Path file, KeyPair keys) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
  }

  private static void writeCert(Path file, X509Certificate cert)
      throws IOException, CertificateException {
    Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** The first certificate of a PEM file. */
  static X509Certificate read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
