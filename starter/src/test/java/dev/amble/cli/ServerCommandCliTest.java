package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amble server}'s settings, checked before anything starts; {@code amble server certs}. */
class ServerCommandCliTest {
  @TempDir Path dir;

  @Test
  void createsCertificatesValidForTheNamesGivenThenChecksThem() throws Exception {
    Path tls = dir.resolve("tls");
    CliRun created =
        CliRun.run(
            dir,
            "server",
            "certs",
            "--tls-dir",
            tls.toString(),
            "--tls-name",
            "temporal.example.com",
            "--tls-name",
            "10.0.0.5");
    assertEquals(0, created.code(), created.toString());
    assertTrue(
        created.out().contains("export TEMPORAL_TLS_CLIENT_CERT_PATH=" + tls.resolve("client.pem")),
        created.out());
    X509Certificate server;
    try (InputStream in = Files.newInputStream(tls.resolve("server.pem"))) {
      server = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertEquals(
        List.of("127.0.0.1", "localhost", "temporal.example.com", "10.0.0.5"),
        server.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList());
    assertEquals(
        List.of(7, 2, 2, 7),
        server.getSubjectAlternativeNames().stream().map(n -> (Integer) n.get(0)).toList());

    CliRun checked =
        CliRun.run(dir, "server", "certs", "--tls-dir", tls.toString(), "--tls-name", "10.0.0.5");
    assertEquals(0, checked.code(), checked.toString());
    assertTrue(checked.out().startsWith("Checked the certificates"), checked.out());

    CliRun otherName =
        CliRun.run(
            dir, "server", "certs", "--tls-dir", tls.toString(), "--tls-name", "other.example");
    assertEquals(2, otherName.code(), otherName.toString());
    assertTrue(
        otherName.err().contains("server.pem is not valid for other.example"), otherName.err());

    CliRun badName =
        CliRun.run(dir, "server", "certs", "--tls-dir", tls.toString(), "--tls-name", "a b");
    assertEquals(2, badName.code(), badName.toString());
    assertEquals(
        "amble: server: --tls-name: \"a b\" is neither a host name nor an IP address\n",
        badName.err());
  }

  @Test
  void theCodecServerNeedsAPortOfItsOwn() {
    CliRun r =
        CliRun.run(
            dir, "server", "--port", "8300", "--ui-port", "8301", "--codec-port", "8301", "status");
    assertEquals(2, r.code(), r.toString());
    assertEquals(
        "amble: server: the codec server cannot share port 8301 with the Web UI\n", r.err());
    CliRun last = CliRun.run(dir, "server", "--ui-port", "65535", "status");
    assertEquals(2, last.code(), last.toString());
    assertEquals(
        "amble: server: port 65536 is not a TCP port (1 to 65535)\n", last.err(), "UI port + 1");
  }
}
