package dev.amble.amblefile;

import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads and validates an Amblefile: every problem is found before anything is started. */
public final class AmblefileLoader {
  private AmblefileLoader() {}

  /**
   * @param file the Amblefile
   * @param shownAs how problems name the file (the path as the operator gave it)
   */
  public static Amblefile load(Path file, String shownAs) throws AmblefileException {
    Problems problems = new Problems(shownAs);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      problems.add(Position.START, "", "file not found");
      throw new AmblefileException(problems.inFileOrder());
    } catch (CharacterCodingException e) {
      problems.add(Position.START, "", "not UTF-8 text");
      throw new AmblefileException(problems.inFileOrder());
    } catch (IOException e) {
      problems.add(Position.START, "", "cannot read: " + e.getMessage());
      throw new AmblefileException(problems.inFileOrder());
    }
    return parse(file.toAbsolutePath().normalize(), shownAs, text, problems);
  }

  /** Validates Amblefile text as if it were the given file (relative paths resolve beside it). */
  public static Amblefile parse(Path file, String shownAs, String text) throws AmblefileException {
    return parse(file.toAbsolutePath().normalize(), shownAs, text, new Problems(shownAs));
  }

  private static Amblefile parse(Path file, String shownAs, String text, Problems problems)
      throws AmblefileException {
    YamlReader.Result yaml = YamlReader.read(text);
    yaml.problems().forEach(p -> problems.add(p.position(), p.path(), p.message()));
    if (yaml.root().isEmpty()) {
      if (!problems.any()) {
        problems.add(
            Position.START, "", "the file is empty; it must define workspaces, workflows and jobs");
      }
      throw new AmblefileException(problems.inFileOrder());
    }
    Optional<Amblefile> amblefile =
        new AmblefileReader(file.getParent(), text, problems).read(file, yaml.root().get());
    if (problems.any() || amblefile.isEmpty()) {
      throw new AmblefileException(problems.inFileOrder());
    }
    return amblefile.get();
  }
}
