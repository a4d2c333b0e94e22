package dev.amble.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.listen.EventMessage.Action;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListenTokenTest {
  private static final String SECRET = "9f3c0a1b2c3d4e5f60718293a4b5c6d7";

  private static boolean is(ListenToken t, String secret) {
    return t.matches(secret.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBareTokenMayDoEveryActionButOverrideNothing() {
    ListenToken t = ListenToken.parse(SECRET + "\n");
    assertTrue(is(t, SECRET));
    assertEquals(Grant.LEAST, t.grant());
    assertEquals(EnumSet.allOf(Action.class), t.grant().actions());
    assertEquals(Set.of("*"), t.grant().workspaces());
    assertEquals(Set.of(), t.grant().overrides());
  }

  @Test
  void aYamlTokenNamesItsGrant() {
    ListenToken t =
        ListenToken.parse(
            """
            token: %s
            actions: [catch, release]
            workspaces: [prod, billing/db]
            overrides: [max_failures, skip_failed]
            """
                .formatted(SECRET));
    assertTrue(is(t, SECRET));
    assertEquals(Set.of(Action.CATCH, Action.RELEASE), t.grant().actions());
    assertEquals(Set.of("prod", "billing/db"), t.grant().workspaces());
    assertEquals(Set.of("max_failures", "skip_failed"), t.grant().overrides());
    ListenToken all = ListenToken.parse("token: " + SECRET + "\noverrides: true\n");
    assertEquals(Grant.OVERRIDABLE, all.grant().overrides());
    assertEquals(EnumSet.allOf(Action.class), all.grant().actions());
    assertEquals(
        Set.of(), ListenToken.parse("{\"token\": \"" + SECRET + "\"}").grant().overrides());
  }

  @Test
  void mistakesAreRefusedWithoutShowingTheToken() {
    for (String text :
        new String[] {
          "token: " + SECRET + "\nactions: [run, deploy]\n",
          "token: " + SECRET + "\noverrides: [ignore_windows]\n",
          "token: " + SECRET + "\nactoins: [run]\n",
          "actions: [run]\n",
          "short",
          "token: short\n",
          "token: " + SECRET + "\n  bad: [\n",
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ListenToken.parse(text), text);
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
      assertFalse(e.getMessage().contains("short"), e.getMessage());
    }
    assertFalse(ListenToken.parse(SECRET).toString().contains(SECRET));
  }
}
