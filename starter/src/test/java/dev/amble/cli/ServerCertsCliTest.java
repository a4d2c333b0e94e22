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

/** {@code amble server certs}: certificates for a server of the operator's, nothing started. */
class ServerCertsCliTest {
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
}
