package dev.amble;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No package cycle anywhere in amble (issue 27): every package is a slice, and a package is its
 * name, whichever modules hold it ({@code dev.amble.host} in {@code workflows} and in {@code
 * activities} is one package). Only main classes count. It runs here because starter's test class
 * path holds every module's main classes (starter depends on worker, activities and workflows).
 */
class PackageCyclesTest {

  /** One main class of each module: the import saw them all, or the check proves nothing. */
  private static final List<String> ONE_PER_MODULE =
      List.of(
          "dev.amble.rollout.RolloutWorkflowImpl", // workflows
          "dev.amble.ansible.PlaybookRun", // activities
          "dev.amble.worker.AmbleWorker", // worker
          "dev.amble.cli.Amble"); // starter

  static JavaClasses mainClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // The activities test jar starter's tests use (DO_NOT_INCLUDE_TESTS knows only folders).
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("dev.amble");
  }

  @Test
  void noPackageDependsOnItselfThroughAnother() {
    JavaClasses classes = mainClasses();
    for (String name : ONE_PER_MODULE) {
      assertTrue(classes.contain(name), name + " was not imported");
    }
    assertFalse(classes.contain(PackageCyclesTest.class), "starter's test classes were imported");
    assertFalse(
        classes.contain("dev.amble.ansible.LocalFleet"), "activities' test classes were imported");
    slices().matching("dev.amble.(**)").should().beFreeOfCycles().check(classes);
  }
}
