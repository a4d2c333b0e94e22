package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.amble.server.TlsCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.temporal.yml, checked without Docker (no engine runs here): the services of the
 * current upstream layout, pinned images, published ports, healthchecks, and a start order that
 * brings the database up, migrates it, starts the server, creates the namespace and amble's search
 * attributes, and only then the Web UI.
 */
class DockerComposeFileTest {
  static JsonNode services;

  /** docker-compose.temporal-tls.yml, the TLS option laid over the file above. */
  static JsonNode tlsServices;

  @BeforeAll
  static void parse() throws Exception {
    JsonNode compose =
        new ObjectMapper(new YAMLFactory())
            .readTree(AmbleProcess.ROOT.resolve("docker-compose.temporal.yml").toFile());
    services = compose.get("services");
    tlsServices =
        new ObjectMapper(new YAMLFactory())
            .readTree(AmbleProcess.ROOT.resolve("docker-compose.temporal-tls.yml").toFile())
            .get("services");
  }

  /** "${VAR:-default}" as Compose resolves it with VAR unset. */
  static String resolved(String value) {
    Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1)));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Test
  void theServicesAreThoseOfTheUpstreamLayout() {
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertEquals(
        List.of("postgresql", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui"),
        names);
  }

  @Test
  void everyImageIsPinnedToAVersion() {
    Map<String, String> expected =
        Map.of(
            "postgresql", "postgres",
            "temporal-schema", "temporalio/admin-tools",
            "temporal", "temporalio/server",
            "temporal-namespace", "temporalio/admin-tools",
            "temporal-ui", "temporalio/ui");
    expected.forEach(
        (service, repository) -> {
          String image = resolved(services.at("/" + service + "/image").asText());
          assertTrue(image.startsWith(repository + ":"), service + ": " + image);
          String tag = image.substring(repository.length() + 1);
          assertTrue(tag.matches("\\d+(\\.\\d+)*"), service + " is not pinned: " + image);
        });
    assertEquals(
        resolved(services.at("/temporal/image").asText()).split(":")[1],
        resolved(services.at("/temporal-schema/image").asText()).split(":")[1],
        "admin-tools must match the server's version");
  }

  @Test
  void theServerAndTheUiArePublished() {
    assertTrue(
        resolved(services.at("/temporal/ports/0").asText()).endsWith(":7233:7233"),
        services.at("/temporal/ports").toString());
    assertTrue(
        resolved(services.at("/temporal-ui/ports/0").asText()).endsWith(":8080:8080"),
        services.at("/temporal-ui/ports").toString());
    assertTrue(
        services.at("/postgresql/ports").isMissingNode(), "the database must not be published");
  }

  /**
   * The frontend has no authentication without TLS: the plain file publishes it on loopback, with
   * no variable to widen it; only the TLS option publishes it elsewhere, replacing (not adding to)
   * the plain binding.
   */
  @Test
  void theFrontendIsOnLoopbackUnlessTlsIsOn() throws Exception {
    JsonNode plain = services.at("/temporal/ports");
    assertEquals(1, plain.size(), plain.toString());
    String binding = plain.get(0).asText();
    assertTrue(binding.startsWith("127.0.0.1:"), binding);
    assertFalse(binding.contains("BIND"), "no variable widens the plain binding: " + binding);
    assertEquals("127.0.0.1:7233:7233", resolved(binding));
    assertTrue(
        resolved(services.at("/temporal-ui/ports/0").asText()).startsWith("127.0.0.1:"),
        "the Web UI, which has no login either, defaults to loopback");

    JsonNode tls = tlsServices.at("/temporal/ports");
    assertEquals(1, tls.size(), tls.toString());
    assertEquals("0.0.0.0:7233:7233", resolved(tls.get(0).asText()));
    // Compose appends port lists of an overlay; `!override` replaces the plain binding instead.
    String overlay =
        java.nio.file.Files.readString(
            AmbleProcess.ROOT.resolve("docker-compose.temporal-tls.yml"));
    assertTrue(overlay.contains("    ports: !override\n"), "the TLS overlay replaces the ports");
    for (String service : List.of("temporal-namespace", "temporal-ui")) {
      assertTrue(tlsServices.at("/" + service + "/ports").isMissingNode(), service);
    }
  }

  @Test
  void theUiCanBePointedAtACodecServer() {
    assertEquals(
        "${TEMPORAL_UI_CODEC_ENDPOINT:-}",
        services.at("/temporal-ui/environment/TEMPORAL_CODEC_ENDPOINT").asText(),
        "one variable points every operator's Web UI at their `amble codec-server`");
    JsonNode env = services.at("/temporal-ui/environment");
    assertEquals(
        "true",
        env.path("TEMPORAL_CODEC_INCLUDE_CREDENTIALS").asText(),
        "the codec server answers a browser only with its cookie");
    // The image's config template (ui-server's config/docker.yaml) maps these to the switches
    // `amble server` writes into its own UI's config.
    for (String off :
        List.of(
            "TEMPORAL_START_WORKFLOW_DISABLED",
            "TEMPORAL_WORKFLOW_RESET_DISABLED",
            "TEMPORAL_WORKFLOW_TERMINATE_DISABLED",
            "TEMPORAL_WORKFLOW_PAUSE_DISABLED",
            "TEMPORAL_ACTIVITY_COMMANDS_DISABLED",
            "TEMPORAL_BATCH_ACTIONS_DISABLED")) {
      assertEquals("true", env.path(off).asText(), off);
    }
    for (String on :
        List.of(
            "TEMPORAL_DISABLE_WRITE_ACTIONS",
            "TEMPORAL_WORKFLOW_SIGNAL_DISABLED",
            "TEMPORAL_WORKFLOW_UPDATE_DISABLED",
            "TEMPORAL_WORKFLOW_CANCEL_DISABLED")) {
      assertTrue(env.path(on).isMissingNode(), on + " stays at its default (on)");
    }
  }

  @Test
  void theTlsOptionRequiresClientCertificatesFromTheFilesAmbleCreates() throws Exception {
    List<String> overlaid = new ArrayList<>();
    tlsServices.fieldNames().forEachRemaining(overlaid::add);
    assertEquals(List.of("temporal", "temporal-namespace", "temporal-ui"), overlaid);
    String header =
        java.nio.file.Files.readString(AmbleProcess.ROOT.resolve("docker-compose.temporal.yml"));
    assertTrue(header.contains("-f docker-compose.temporal-tls.yml"), "the main file documents it");

    JsonNode server = tlsServices.at("/temporal/environment");
    assertEquals("true", server.path("TEMPORAL_TLS_REQUIRE_CLIENT_AUTH").asText());
    String tls = "/etc/temporal/tls/";
    assertEquals(tls + TlsCertificates.CA, server.path("TEMPORAL_TLS_CLIENT1_CA_CERT").asText());
    assertEquals(tls + TlsCertificates.CA, server.path("TEMPORAL_TLS_SERVER_CA_CERT").asText());
    assertEquals(tls + TlsCertificates.SERVER, server.path("TEMPORAL_TLS_FRONTEND_CERT").asText());
    assertEquals(tls + TlsCertificates.SERVER_KEY, server.path("TEMPORAL_TLS_SERVER_KEY").asText());
    JsonNode job = tlsServices.at("/temporal-namespace/environment");
    assertEquals("true", job.path("TEMPORAL_TLS").asText());
    assertEquals(tls + TlsCertificates.CLIENT, job.path("TEMPORAL_TLS_CLIENT_CERT_PATH").asText());
    assertEquals(
        tls + TlsCertificates.CLIENT_KEY, job.path("TEMPORAL_TLS_CLIENT_KEY_PATH").asText());
    assertEquals(tls + TlsCertificates.CA, job.path("TEMPORAL_TLS_SERVER_CA_CERT_PATH").asText());
    JsonNode ui = tlsServices.at("/temporal-ui/environment");
    assertEquals(tls + TlsCertificates.UI, ui.path("TEMPORAL_TLS_CERT").asText());
    assertEquals(tls + TlsCertificates.UI_KEY, ui.path("TEMPORAL_TLS_KEY").asText());
    assertEquals("true", ui.path("TEMPORAL_TLS_ENABLE_HOST_VERIFICATION").asText());

    // Every file named is one `amble server certs` creates, in the folder each service mounts.
    java.nio.file.Path made = java.nio.file.Files.createTempDirectory("compose-tls");
    try {
      new TlsCertificates(made).ensure(java.time.Instant.now());
      for (String service : overlaid) {
        assertEquals(
            "${TEMPORAL_TLS_DIR:-./tls}:/etc/temporal/tls:ro",
            tlsServices.at("/" + service + "/volumes/0").asText(),
            service);
        tlsServices
            .at("/" + service + "/environment")
            .forEach(
                value -> {
                  if (value.asText().startsWith(tls)) {
                    assertTrue(
                        java.nio.file.Files.isRegularFile(
                            made.resolve(value.asText().substring(tls.length()))),
                        service + ": " + value.asText());
                  }
                });
      }
    } finally {
      dev.amble.ansible.WorkspaceDir.deleteTree(made);
    }
  }

  @Test
  void theStartOrderIsEnforcedByHealthAndCompletion() {
    assertTrue(services.at("/postgresql/healthcheck/test").isArray());
    assertTrue(services.at("/temporal/healthcheck/test").isArray());
    assertEquals(
        "service_healthy",
        services.at("/temporal-schema/depends_on/postgresql/condition").asText());
    assertEquals(
        "service_completed_successfully",
        services.at("/temporal/depends_on/temporal-schema/condition").asText());
    assertEquals(
        "service_healthy",
        services.at("/temporal-namespace/depends_on/temporal/condition").asText());
    assertEquals(
        "service_completed_successfully",
        services.at("/temporal-ui/depends_on/temporal-namespace/condition").asText());
    assertEquals("no", services.at("/temporal-schema/restart").asText());
  }

  @Test
  void theSchemaJobMigratesBothDatabases() {
    String script = services.at("/temporal-schema/command/0").asText();
    assertTrue(script.contains("for db in temporal temporal_visibility"), script);
    assertTrue(script.contains("temporal-sql-tool --db temporal update-schema"), script);
    assertTrue(script.contains("temporal-sql-tool --db temporal_visibility update-schema"), script);
  }

  @Test
  void theNamespaceJobRegistersAmblesSearchAttributes() {
    String script = services.at("/temporal-namespace/command/0").asText();
    assertTrue(script.contains("temporal operator namespace create"), script);
    for (String attribute : List.of("AmbleWorkspace", "AmbleHost", "AmbleOutcome", "AmbleKind")) {
      assertTrue(script.contains("--name " + attribute + " --type Keyword"), attribute);
    }
    assertFalse(script.contains("tctl"), "tctl is gone from admin-tools");
  }
}
