package imvec.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The dependency rule of docs/ARCHITECTURE.md: no package imports a layer above its own. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("imvec");
    }

    @Test
    void theClassesWereFound() {
        // A rule over no classes passes vacuously; make sure the import saw the code.
        assertThat(classes.stream().filter(c -> c.getPackageName().startsWith("imvec.")).count()).isGreaterThan(200);
    }

    @Test
    void layersOnlyUseLayersBelowThem() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("base").definedBy("imvec.util..")
                .layer("formats").definedBy("imvec.store..", "imvec.data..", "imvec.words..")
                .layer("contract").definedBy("imvec.model..")
                .layer("analyses").definedBy("imvec.analysis..", "imvec.classvec..")
                .layer("engines").definedBy("imvec.onnx..", "imvec.train..")
                .layer("pipeline").definedBy("imvec.extract..", "imvec.finetune..", "imvec.zoo..", "imvec.spatial..")
                .layer("presentation").definedBy("imvec.report..", "imvec.bench..", "imvec.demo..", "imvec.explore..")
                .layer("entry").definedBy("imvec.cli..")
                .whereLayer("base").mayNotAccessAnyLayer()
                .whereLayer("formats").mayOnlyAccessLayers("base")
                .whereLayer("contract").mayOnlyAccessLayers("base", "formats")
                .whereLayer("analyses").mayOnlyAccessLayers("base", "formats", "contract")
                .whereLayer("engines").mayOnlyAccessLayers("base", "formats", "contract")
                .whereLayer("pipeline").mayOnlyAccessLayers("base", "formats", "contract", "analyses", "engines")
                .whereLayer("presentation").mayOnlyAccessLayers("base", "formats", "contract", "analyses", "engines", "pipeline")
                .whereLayer("entry").mayNotBeAccessedByAnyLayer();
        rule.check(classes);
    }

    @Test
    void analysesNeverTouchModelsImagesOrRuns() {
        noClasses().that().resideInAPackage("imvec.analysis..")
                .should().dependOnClassesThat(resideInAPackage("imvec..").and(resideOutsideOfPackages("imvec.analysis..", "imvec.util..")))
                .orShould().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "javax.imageio..")
                .check(classes);
    }

    @Test
    void classVectorsUseNoInferenceEngine() {
        noClasses().that().resideInAPackage("imvec.classvec..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "imvec.onnx..", "imvec.train..")
                .check(classes);
    }

    @Test
    void extractionKnowsBackbonesOnlyThroughTheContract() {
        noClasses().that().resideInAPackage("imvec.extract..")
                .should().dependOnClassesThat().resideInAnyPackage("imvec.onnx..", "imvec.train..", "imvec.finetune..",
                        "imvec.zoo..", "ai.onnxruntime..", "ai.djl..")
                .check(classes);
    }

    @Test
    void theTwoEnginesDoNotKnowEachOther() {
        noClasses().that().resideInAPackage("imvec.onnx..").should().dependOnClassesThat().resideInAPackage("imvec.train..")
                .check(classes);
        noClasses().that().resideInAPackage("imvec.train..").should().dependOnClassesThat().resideInAPackage("imvec.onnx..")
                .check(classes);
    }

    @Test
    void onlyTheCommandLineUsesPicocli() {
        noClasses().that().resideOutsideOfPackage("imvec.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("imvec.(*)..").should().beFreeOfCycles().check(classes);
    }
}
