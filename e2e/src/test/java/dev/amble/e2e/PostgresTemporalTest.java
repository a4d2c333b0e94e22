package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.WorkspaceDir;
import dev.amble.server.LocalServer;
import dev.amble.worker.SearchAttributeSetup;
import dev.amble.worker.TemporalConnection;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixtures of the production shape on their own: PostgreSQL runs as its own user, not root;
 * Temporal's schema tool made both databases; the server on them keeps the namespace and amble's
 * search attributes across a SIGKILL and a start on the same databases.
 */
class PostgresTemporalTest {
  static final Path ROOT = AmbleProcess.ROOT.resolve("e2e/target/postgres-temporal");

  @Test
  void theServerOnPostgresKeepsItsNamespaceAcrossAKill() throws Exception {
    ProductionShapeTest.killLeftovers(ROOT);
    WorkspaceDir.deleteTree(ROOT);
    Files.createDirectories(ROOT);
    try (PostgresServer postgres = PostgresServer.start(ROOT)) {
      assertEquals(
          "postgres",
          postgres.process().toHandle().info().user().orElse("?"),
          "the postmaster's user");
      assertTrue(
          postgres
              .process()
              .toHandle()
              .info()
              .commandLine()
              .orElse("")
              .contains(postgres.sentinel()),
          "the sentinel is in the postmaster's command line");
      try (PostgresTemporal temporal = PostgresTemporal.start(postgres, ROOT)) {
        // Both databases, at the newest schema versions the tool knows.
        for (String db : List.of("temporal", "temporal_visibility")) {
          String version = postgres.psql(db, "SELECT curr_version FROM schema_version");
          assertTrue(version.matches("1\\.\\d+"), db + " schema version " + version);
          assertTrue(!version.equals("0.0"), db + " was updated past 0.0");
        }
        assertNamespaceAndSearchAttributes(temporal);
        temporal.kill();
        temporal.start();
        assertNamespaceAndSearchAttributes(temporal);
        assertEquals(2, temporal.starts());
        assertEquals(
            "1",
            postgres.psql("temporal", "SELECT count(*) FROM namespaces WHERE name = 'default'"),
            "the namespace is a row of PostgreSQL's");
      }
    }
  }

  private static void assertNamespaceAndSearchAttributes(PostgresTemporal temporal) {
    WorkflowServiceStubs stubs =
        TemporalConnection.plain(temporal.address(), LocalServer.NAMESPACE).connect();
    try {
      assertEquals(
          List.of(),
          SearchAttributeSetup.missing(stubs, LocalServer.NAMESPACE).orElseThrow(),
          "amble's search attributes");
    } finally {
      stubs.shutdownNow();
    }
  }
}
