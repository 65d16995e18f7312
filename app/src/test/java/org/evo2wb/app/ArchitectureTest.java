package org.evo2wb.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering rules of the project: app → engine → bio-io, and UI toolkits only inside the app. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.evo2wb");
    }

    @Test
    void uiToolkitsOnlyInsideTheApp() {
        noClasses().that().resideInAPackage("org.evo2wb..").and().resideOutsideOfPackage("org.evo2wb.app..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..",
                        "org.controlsfx..")
                .check(classes);
    }

    @Test
    void bioIoDoesNotUseDjl() {
        noClasses().that().resideInAPackage("org.evo2wb.bio..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..")
                .check(classes);
    }

    @Test
    void engineDoesNotDependOnTheApp() {
        noClasses().that().resideInAPackage("org.evo2wb.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.evo2wb.app..")
                .check(classes);
    }

    @Test
    void engineAndBioIoUseNoJavaFxAtAll() {
        noClasses().that().resideInAnyPackage("org.evo2wb.engine..", "org.evo2wb.bio..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..")
                .check(classes);
    }

    @Test
    void loadingAndCliCodeIsFreeOfUiControls() {
        noClasses().that().resideInAnyPackage("org.evo2wb.app.data..", "org.evo2wb.app.cli..",
                        "org.evo2wb.app.models..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..",
                        "org.controlsfx..", "org.evo2wb.app.ui..")
                .check(classes);
    }

    @Test
    void theRulesSeeAllThreeModules() {
        for (String pkg : new String[] {"org.evo2wb.app", "org.evo2wb.engine.task", "org.evo2wb.bio"}) {
            if (classes.stream().noneMatch(c -> c.getPackageName().equals(pkg))) {
                throw new AssertionError("no classes imported from " + pkg + ": the rules would check nothing");
            }
        }
    }
}
