package dev.amble.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsCertificatesTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");

  @TempDir Path dir;

  @Test
  void aNewCaSignsAServerCertificateForLoopbackAndClientCertificates() throws Exception {
    TlsCertificates tls = new TlsCertificates(dir.resolve("tls"));
    assertTrue(tls.ensure(NOW), "created");

    X509Certificate ca = TlsCertificates.read(tls.ca());
    assertEquals(0, ca.getBasicConstraints(), "a CA that signs leaves only");
    boolean[] caUsage = ca.getKeyUsage();
    assertTrue(caUsage[5] && caUsage[6], "keyCertSign and cRLSign");
    assertFalse(caUsage[0], "no digitalSignature on the CA");
    assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.15"), "key usage is critical");
    ca.verify(ca.getPublicKey());
    assertValidFor(ca, TlsCertificates.CA_VALIDITY);

    X509Certificate server = TlsCertificates.read(tls.serverCert());
    server.verify(ca.getPublicKey());
    assertEquals(-1, server.getBasicConstraints(), "not a CA");
    assertEquals(
        List.of(List.of(7, "127.0.0.1"), List.of(2, "localhost")),
        server.getSubjectAlternativeNames().stream().map(List::copyOf).toList());
    assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), server.getExtendedKeyUsage());
    assertArrayEquals(
        new boolean[] {true, false, false, false, false, false, false, false, false},
        server.getKeyUsage(),
        "digitalSignature only");
    assertValidFor(server, TlsCertificates.LEAF_VALIDITY);

    for (Path cert : List.of(tls.clientCert(), tls.uiCert())) {
      X509Certificate client = TlsCertificates.read(cert);
      client.verify(ca.getPublicKey());
      assertEquals(List.of(CLIENT_AUTH), client.getExtendedKeyUsage(), cert.toString());
      assertEquals(null, client.getSubjectAlternativeNames(), "no server names");
      assertValidFor(client, TlsCertificates.LEAF_VALIDITY);
    }
    assertEquals(dir.resolve("tls/ui.pem"), tls.uiCert(), "the Web UI has its own");
    assertTrue(
        !TlsCertificates.read(tls.uiCert())
            .getSubjectX500Principal()
            .equals(TlsCertificates.read(tls.clientCert()).getSubjectX500Principal()));

    // Each key is the private half of its certificate, PKCS#8 PEM.
    assertKeyMatches(tls.serverKey(), server);
    assertKeyMatches(tls.clientKey(), TlsCertificates.read(tls.clientCert()));
    assertKeyMatches(dir.resolve("tls/ca.key"), ca);
  }

  @Test
  void keysAreTheOwnersOnlyAndSoIsTheFolder() throws Exception {
    TlsCertificates tls = new TlsCertificates(dir.resolve("tls"));
    tls.ensure(NOW);
    assertEquals("rwx------", mode(tls.dir()));
    for (String key : List.of("ca.key", "server.key", "client.key", "ui.key")) {
      assertEquals("rw-------", mode(tls.dir().resolve(key)), key);
    }
  }

  @Test
  void aFolderWithCertificatesIsTakenAsItIs() throws Exception {
    TlsCertificates tls = new TlsCertificates(dir);
    tls.ensure(NOW);
    byte[] ca = Files.readAllBytes(tls.ca());
    assertFalse(tls.ensure(NOW.plusSeconds(60)), "taken, not created");
    assertArrayEquals(ca, Files.readAllBytes(tls.ca()));

    // A folder of the operator's without a certificate for the UI: the UI uses the client's.
    Files.delete(dir.resolve("ui.pem"));
    Files.delete(dir.resolve("ui.key"));
    assertEquals(tls.clientCert(), tls.uiCert());
    assertEquals(tls.clientKey(), tls.uiKey());
    assertFalse(tls.ensure(NOW));
  }

  @Test
  void aFolderWithoutTheServersKeyIsRefusedWithWhatIsMissing() throws Exception {
    TlsCertificates tls = new TlsCertificates(dir);
    tls.ensure(NOW);
    Files.delete(tls.serverKey());
    Files.delete(tls.clientCert());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> tls.ensure(NOW));
    assertTrue(
        e.getMessage().contains("has ca.pem but not server.key, client.pem"), e.getMessage());
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    TlsCertificates tls = new TlsCertificates(dir);
    tls.ensure(NOW);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> tls.ensure(NOW.plus(TlsCertificates.LEAF_VALIDITY).plusSeconds(1)));
    assertTrue(e.getMessage().startsWith(tls.serverCert() + " expired on "), e.getMessage());
  }

  @Test
  void theServersConfigRequiresClientCertificatesEverywhere() throws Exception {
    TlsCertificates tls = new TlsCertificates(dir.resolve("with \"quote\""));
    JsonNode global =
        new YAMLMapper().readTree("global:\n" + LocalServer.serverTls(tls)).path("global");
    String ca = tls.ca().toString();
    for (String group : List.of("internode", "frontend")) {
      JsonNode server = global.path("tls").path(group).path("server");
      assertTrue(server.path("requireClientAuth").asBoolean(), group);
      assertEquals(ca, server.path("clientCaFiles").path(0).asText(), group);
      assertEquals(tls.serverCert().toString(), server.path("certFile").asText());
      assertEquals(
          ca, global.path("tls").path(group).path("client").path("rootCaFiles").path(0).asText());
    }
    JsonNode worker = global.path("tls").path("systemWorker");
    assertEquals(tls.serverKey().toString(), worker.path("keyFile").asText());
    assertEquals("localhost", worker.path("client").path("serverName").asText());

    JsonNode ui = new YAMLMapper().readTree(LocalServer.uiTls(tls)).path("tls");
    assertEquals(tls.uiCert().toString(), ui.path("certFile").asText());
    assertEquals(ca, ui.path("caFile").asText());
    assertTrue(ui.path("enableHostVerification").asBoolean());
  }

  private static void assertValidFor(X509Certificate cert, Duration validity) throws Exception {
    cert.checkValidity(Date.from(NOW));
    assertEquals(NOW.plus(validity), cert.getNotAfter().toInstant());
    assertTrue(cert.getNotBefore().toInstant().isBefore(NOW), "valid from a little before now");
  }

  private static void assertKeyMatches(Path keyFile, X509Certificate cert) throws Exception {
    String pem = Files.readString(keyFile);
    assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"), pem);
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    Signature sign = Signature.getInstance("SHA256withECDSA");
    sign.initSign(key);
    sign.update(new byte[] {1, 2, 3});
    byte[] signature = sign.sign();
    Signature verify = Signature.getInstance("SHA256withECDSA");
    verify.initVerify(cert.getPublicKey());
    verify.update(new byte[] {1, 2, 3});
    assertTrue(verify.verify(signature), keyFile + " signs for " + cert.getSubjectX500Principal());
  }

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
