package org.evo2wb.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which engine package may use which (docs/decisions/0011-engine-packages.md): the model at the bottom, fine-tuning
 * above it, the run entry and the benchmarks on top; nothing that a reader of a lower package must know about a higher
 * one.
 */
class EnginePackagesTest {

    private static final String ENGINE = "org.evo2wb.engine";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ENGINE);
    }

    @Test
    void theModelIsReadableWithoutTrainingScoringOrRuns() {
        noClasses().that().resideInAnyPackage(ENGINE + ".checkpoint..", ENGINE + ".model..",
                        ENGINE + ".lora..", ENGINE + ".io..")
                .should().dependOnClassesThat().resideInAnyPackage(ENGINE + ".train..", ENGINE + ".finetune..",
                        ENGINE + ".load..", ENGINE + ".score..", ENGINE + ".eval..", ENGINE + ".bench..",
                        ENGINE + ".task..")
                .because("the Evo 2 blocks, their weights and LoRA are the model: a reader learns them in one "
                        + "sitting, and training, scoring and runs build on them, never the reverse")
                .check(classes);
    }

    @Test
    void onlyTheRunEntryAndTheBenchmarksStartRuns() {
        noClasses().that().resideInAPackage(ENGINE + "..")
                .and().resideOutsideOfPackages(ENGINE + ".finetune..", ENGINE + ".bench..")
                .should().dependOnClassesThat().resideInAPackage(ENGINE + ".finetune..")
                .because("a fine-tuning run has one front door (FineTuneLauncher), called by the Fine-tune view and "
                        + "evo2wb finetune; the loop and its parts do not know how a run was started")
                .check(classes);
    }

    @Test
    void nothingInTheEngineUsesTheBenchmarks() {
        noClasses().that().resideInAPackage(ENGINE + "..").and().resideOutsideOfPackage(ENGINE + ".bench..")
                .should().dependOnClassesThat().resideInAPackage(ENGINE + ".bench..")
                .because("benchmarks measure the engine from outside and are reached only from the command line "
                        + "(evo2wb bench)")
                .check(classes);
    }

    @Test
    void settingsAreDeclarationsThatKnowNothingOfTheLoop() {
        noClasses().that().resideInAPackage(ENGINE + ".train.settings..")
                .should().dependOnClassesThat().resideInAnyPackage(ENGINE + ".train", ENGINE + ".train.data..",
                        ENGINE + ".train.optim..", ENGINE + ".train.run..", ENGINE + ".finetune..")
                .because("every setting is declared once (name, default, bounds, help) and read by the loop, the "
                        + "form and the command line; declarations that reached into the loop would tie all three "
                        + "to it")
                .check(classes);
    }

    @Test
    void theEngineHasNoMainPrograms() {
        noMethods().that().areDeclaredInClassesThat().resideInAPackage(ENGINE + "..").and().areStatic()
                .should().haveName("main")
                .because("programs are subcommands of the picocli command line in the app (evo2wb bench, pretrain, "
                        + "selftest-table), where options are parsed and documented in one way")
                .check(classes);
    }

    @Test
    void topLevelEnginePackagesFormNoCycles() {
        slices().matching(ENGINE + ".(*)..").should().beFreeOfCycles()
                .because("each engine package can then be read knowing only the packages below it")
                .check(classes);
    }
}
