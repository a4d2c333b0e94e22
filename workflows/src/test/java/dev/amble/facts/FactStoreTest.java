package dev.amble.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FactStoreTest {
  @Test
  void jsonfileIsTheWord() {
    assertEquals(new FactStore.Jsonfile(), FactStore.parse("jsonfile"));
    assertEquals("jsonfile", new FactStore.Jsonfile().text());
  }

  @Test
  void aRedisUrlNamesHostPortAndDatabase() {
    assertEquals(
        new FactStore.Redis("redis.example.net", 6380, 3),
        FactStore.parse("redis://redis.example.net:6380/3"));
    assertEquals(new FactStore.Redis("10.0.0.5", 6379, 0), FactStore.parse("redis://10.0.0.5"));
    assertEquals(new FactStore.Redis("cache", 6379, 2), FactStore.parse("redis://cache/2"));
    assertEquals(new FactStore.Redis("cache", 7000, 0), FactStore.parse("redis://cache:7000/"));
  }

  @Test
  void textIsTheFullUrlAndParsesBackToTheSameStore() {
    for (String written :
        List.of("jsonfile", "redis://cache", "redis://cache:7000/15", "redis://a-b.c_d:1/0")) {
      FactStore store = FactStore.parse(written);
      assertEquals(store, FactStore.parse(store.text()), written);
    }
    assertEquals("redis://cache:6379/0", FactStore.parse("redis://cache").text());
    assertEquals("redis://cache:7000/15", FactStore.parse("redis://cache:7000/15").text());
  }

  @Test
  void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
    for (String written :
        List.of(
            "redis://:s3cret@cache:6379/0",
            "redis://user:s3cret@cache/0",
            "redis://s3cret@cache")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FactStore.parse(written));
      assertTrue(e.getMessage().contains("AMBLE_REDIS_PASSWORD"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
  }

  @Test
  void anythingElseIsRefusedWithTheSyntax() {
    for (String written :
        List.of(
            "",
            "json",
            "JSONFILE",
            " jsonfile",
            "redis",
            "redis:/cache",
            "memory",
            "http://cache:6379/0",
            "redis://",
            "redis://cache:/0",
            "redis://cache:port/0",
            "redis://cache:6379/zero",
            "redis://cache:6379/0/1",
            "redis://cache:6379/0?timeout=3",
            "redis://cache:6379/0#x",
            "redis://ca che",
            "redis://-cache")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> FactStore.parse(written), written);
      assertTrue(e.getMessage().contains("`jsonfile` or `redis://HOST:PORT/DB`"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> FactStore.parse(null));
  }

  @Test
  void refusalsSayWhy() {
    assertTrue(message("redis://cache:70000/0").contains("port is 1 to 65535"));
    assertTrue(message("redis://cache:0/0").contains("port is 1 to 65535"));
    assertTrue(message("redis://[::1]:6379/0").contains("IPv6"));
    assertTrue(message("redis://cache/0?db=1").contains("no options"));
    assertTrue(message("rediss://cache:6379/0").contains("TLS"));
  }

  @Test
  void theRecordsRefuseWhatTheUrlWould() {
    assertThrows(IllegalArgumentException.class, () -> new FactStore.Redis(null, 6379, 0));
    assertThrows(IllegalArgumentException.class, () -> new FactStore.Redis("", 6379, 0));
    assertThrows(IllegalArgumentException.class, () -> new FactStore.Redis("a:b", 6379, 0));
    assertThrows(IllegalArgumentException.class, () -> new FactStore.Redis("a@b", 6379, 0));
    assertThrows(IllegalArgumentException.class, () -> new FactStore.Redis("cache", 6379, -1));
  }

  /** As Temporal carries it in a workflow input: the text, and back to an equal store. */
  record Input(FactStore facts, Optional<FactStore> other) {}

  @Test
  void travelsInWorkflowInputsAsItsText() {
    DataConverter converter = DefaultDataConverter.newDefaultInstance();
    Input input =
        new Input(FactStore.parse("redis://cache:6380/2"), Optional.of(new FactStore.Jsonfile()));
    Payload payload = converter.toPayload(input).orElseThrow();
    String json = payload.getData().toStringUtf8();
    assertTrue(json.contains("\"redis://cache:6380/2\""), json);
    assertTrue(json.contains("\"jsonfile\""), json);
    assertEquals(input, converter.fromPayload(payload, Input.class, Input.class));
  }

  private static String message(String written) {
    return assertThrows(IllegalArgumentException.class, () -> FactStore.parse(written))
        .getMessage();
  }
}
