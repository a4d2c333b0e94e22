package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.amble.facts.FactStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactStoreSettingsTest {
  @Test
  void jsonfileIsAnsiblesJsonfilePluginInTheFolderGiven() {
    assertEquals(
        Map.of(
            "ANSIBLE_CACHE_PLUGIN", "jsonfile",
            "ANSIBLE_CACHE_PLUGIN_CONNECTION", "/amblefile/.amble/web/facts",
            "ANSIBLE_CACHE_PLUGIN_TIMEOUT", "0",
            "ANSIBLE_CACHE_PLUGIN_PREFIX", ""),
        FactStoreSettings.of(
            new FactStore.Jsonfile(),
            Path.of("/amblefile/.amble/web/facts"),
            Map.of("AMBLE_REDIS_PASSWORD", "unused")));
  }

  @Test
  void redisIsTheCommunityGeneralPluginWithAnsiblesOwnKeys() {
    assertEquals(
        Map.of(
            "ANSIBLE_CACHE_PLUGIN", "community.general.redis",
            "ANSIBLE_CACHE_PLUGIN_CONNECTION", "cache.example.net:6380:2",
            "ANSIBLE_CACHE_PLUGIN_TIMEOUT", "0",
            "ANSIBLE_CACHE_PLUGIN_PREFIX", "ansible_facts",
            "ANSIBLE_CACHE_REDIS_KEYSET_NAME", "ansible_cache_keys",
            "ANSIBLE_CACHE_REDIS_SENTINEL", ""),
        FactStoreSettings.of(
            FactStore.parse("redis://cache.example.net:6380/2"), Path.of("/unused"), Map.of()));
  }

  @Test
  void thePasswordStaysOutOfAnsiblesEnvironmentAndGoesToTheFactReaderOnly() {
    FactStore store = FactStore.parse("redis://cache:6379/0");
    Map<String, String> settings =
        FactStoreSettings.of(
            store, Path.of("/unused"), Map.of("AMBLE_REDIS_PASSWORD", "pa:ss word"));
    assertEquals("cache:6379:0", settings.get("ANSIBLE_CACHE_PLUGIN_CONNECTION"));
    assertEquals(
        "cache:6379:0:pa:ss word",
        FactStoreSettings.withPassword(settings, Map.of("AMBLE_REDIS_PASSWORD", "pa:ss word"))
            .get("ANSIBLE_CACHE_PLUGIN_CONNECTION"));
    assertEquals(
        "cache:6379:0",
        FactStoreSettings.withPassword(settings, Map.of("AMBLE_REDIS_PASSWORD", ""))
            .get("ANSIBLE_CACHE_PLUGIN_CONNECTION"),
        "empty is none");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FactStoreSettings.of(
                    store, Path.of("/unused"), Map.of("AMBLE_REDIS_PASSWORD", "two\nlines")));
    assertEquals(
        "AMBLE_REDIS_PASSWORD holds a line break, which Ansible's redis plugin cannot take",
        e.getMessage());
  }
}
