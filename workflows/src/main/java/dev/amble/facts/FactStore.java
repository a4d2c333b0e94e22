package dev.amble.facts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Ansible caches the facts that amble gathers and plans from: Ansible's {@code jsonfile}
 * cache plugin in the workspace's folder (one machine), or a Redis that the CLI and every worker
 * reach through Ansible's {@code community.general.redis} cache plugin.
 *
 * <p>Written {@code jsonfile} or {@code redis://HOST:PORT/DB} ({@link #parse}, {@link #text}); it
 * travels in workflow inputs as that text. A Redis password is never part of it: it comes from the
 * environment variable {@value #PASSWORD_VARIABLE} of each process that uses the store.
 */
public sealed interface FactStore permits FactStore.Jsonfile, FactStore.Redis {
  /** The environment variable holding the Redis password, if the Redis has one. */
  String PASSWORD_VARIABLE = "AMBLE_REDIS_PASSWORD";

  /** Redis's port when a URL names none. */
  int REDIS_PORT = 6379;

  String SYNTAX = "`jsonfile` or `redis://HOST:PORT/DB`";

  /** The store as written: {@code jsonfile}, or {@code redis://HOST:PORT/DB} in full. */
  @JsonValue
  String text();

  /** Ansible's jsonfile cache: a folder of one file per host on this machine. */
  record Jsonfile() implements FactStore {
    @Override
    public String text() {
      return "jsonfile";
    }
  }

  /**
   * A Redis database, as Ansible's redis cache plugin reaches it (no IPv6 literal: the plugin hands
   * its brackets to the client, which cannot resolve them).
   */
  record Redis(String host, int port, int db) implements FactStore {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    public Redis {
      if (host == null || !HOST.matcher(host).matches()) {
        throw new IllegalArgumentException(
            "a Redis host is a name or an IPv4 address, got "
                + (host == null ? "none" : "\"" + host + "\""));
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("a Redis port is 1 to 65535, got " + port);
      }
      if (db < 0) {
        throw new IllegalArgumentException("a Redis database is a number from 0, got " + db);
      }
    }

    @Override
    public String text() {
      return "redis://" + host + ":" + port + "/" + db;
    }
  }

  /**
   * Reads {@code jsonfile} or {@code redis://HOST[:PORT][/DB]} (port 6379 and database 0 when left
   * out). Anything else is refused with the reason, and a URL with a password or user is refused
   * without repeating it.
   */
  @JsonCreator
  static FactStore parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a fact store is " + SYNTAX + ", got none");
    }
    if (text.equals("jsonfile")) {
      return new Jsonfile();
    }
    String scheme = "redis://";
    if (!text.startsWith(scheme)) {
      if (text.startsWith("rediss://")) {
        throw new IllegalArgumentException(
            "a fact store is " + SYNTAX + ": TLS (rediss://) is not supported");
      }
      throw new IllegalArgumentException("a fact store is " + SYNTAX + ", got \"" + text + "\"");
    }
    String rest = text.substring(scheme.length());
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    if (authority.contains("@")) {
      // Not repeated in the message: what precedes @ may be a password.
      throw new IllegalArgumentException(
          "a fact store URL holds no password or user (it travels in workflow inputs and logs):"
              + " give the Redis password in the environment variable "
              + PASSWORD_VARIABLE
              + " of the CLI and of every worker, and write the store as redis://HOST:PORT/DB");
    }
    Matcher url =
        Pattern.compile("(?<host>[^:/?#\\[\\]]+)(:(?<port>[0-9]{1,5}))?(/(?<db>[0-9]{1,9})?)?")
            .matcher(rest);
    if (!url.matches()) {
      String why =
          rest.startsWith("[")
              ? ": an IPv6 address does not work with Ansible's redis cache plugin; use a host name"
              : rest.contains("?") || rest.contains("#")
                  ? ": a fact store URL takes no options"
                  : "";
      throw new IllegalArgumentException(
          "a fact store is " + SYNTAX + ", got \"" + text + "\"" + why);
    }
    int port = url.group("port") == null ? REDIS_PORT : Integer.parseInt(url.group("port"));
    int db = url.group("db") == null ? 0 : Integer.parseInt(url.group("db"));
    try {
      return new Redis(url.group("host"), port, db);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "a fact store is " + SYNTAX + ", got \"" + text + "\": " + e.getMessage(), e);
    }
  }
}
