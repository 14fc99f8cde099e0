package org.xmppiot.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.xmppiot.gateway.xmpp.SessionListener;

/**
 * The layout the build holds us to (docs/ARCHITECTURE.md): one direction of dependencies between the
 * modules, no cycle between any two packages, drivers that know nothing of each other or of the
 * gateway, mappings that never open a port, XMPP features that meet only in shared parts.
 */
class ArchitectureTest {

    private static final String GATEWAY = "org.xmppiot.gateway.";
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/org/xmppiot/core/testing/"))
                .importPackages("org.xmppiot");
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("org.xmppiot.(**)").should().beFreeOfCycles().check(production);
    }

    @Test
    void coreDependsOnlyOnItsOwnLibraries() {
        classes().that().resideInAPackage("org.xmppiot.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.xmppiot.core..", "java..",
                        "com.fasterxml.jackson..", "org.slf4j..")
                .check(production);
    }

    @Test
    void driversKnowNeitherEachOtherNorTheGateway() {
        slices().matching("org.xmppiot.drivers.(*)..").should().notDependOnEachOther()
                .ignoreDependency(com.tngtech.archunit.base.DescribedPredicate.alwaysTrue(),
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage("org.xmppiot.drivers.common..", "org.xmppiot.drivers.pi4j.."))
                .check(production);
        noClasses().that().resideInAPackage("org.xmppiot.drivers..")
                .should().dependOnClassesThat().resideInAnyPackage("org.xmppiot.gateway..", "org.xmppiot.discovery..",
                        "org.xmppiot.mappings..")
                .check(production);
    }

    @Test
    void mappingsOpenNoPorts() {
        noClasses().that().resideInAPackage("org.xmppiot.mappings..")
                .should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.channels..", "com.fazecast..",
                        "com.pi4j..", "javax.jmdns..", "org.xmppiot.drivers..", "org.xmppiot.gateway..")
                .check(production);
    }

    @Test
    void onlyTheDemoRunsSimulators() {
        noClasses().that().resideOutsideOfPackages("org.xmppiot.gateway.demo..", "org.xmppiot.simulators..",
                        "org.xmppiot.bench..")
                .should().dependOnClassesThat().resideInAPackage("org.xmppiot.simulators..")
                .check(production);
    }

    /**
     * The XMPP features: every package under org.xmppiot.gateway with a {@link SessionListener} of its own, except the
     * session layer itself. Derived, so a new feature is covered by the rules below without being listed.
     */
    private static Set<String> features() {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : production) {
            String pkg = c.getPackageName();
            if (!c.isInterface() && c.isAssignableTo(SessionListener.class) && pkg.startsWith(GATEWAY)) {
                String top = pkg.substring(GATEWAY.length()).split("\\.")[0];
                if (!top.equals("xmpp")) {
                    out.add(top);
                }
            }
        }
        return out;
    }

    private static String[] packagesOf(Set<String> features) {
        return features.stream().map(f -> GATEWAY + f + "..").toArray(String[]::new);
    }

    @Test
    void theFeaturesAreFoundAsPackagesWithASessionListener() {
        assertThat(features()).contains("adhoc", "chat", "control", "disco", "fleet", "observe", "pubsub", "sensordata");
    }

    @Test
    void noFeatureImportsAnother() {
        Set<String> features = features();
        for (String feature : features) {
            Set<String> others = new TreeSet<>(features);
            others.remove(feature);
            noClasses().that().resideInAPackage(GATEWAY + feature + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(packagesOf(others))
                    .because("features meet in core types and in the contracts of org.xmppiot.gateway.feature, which the gateway wires")
                    .check(production);
        }
    }

    @Test
    void xmppAndTheFeatureContractsKnowNoFeature() {
        Set<String> features = new TreeSet<>(features());
        features.add("watch");
        noClasses().that().resideInAnyPackage(GATEWAY + "xmpp..", GATEWAY + "feature..")
                .should().dependOnClassesThat().resideInAnyPackage(packagesOf(features))
                .check(production);
    }

    /** Every view renders the one health record: none asks the running parts itself how they are doing. */
    @Test
    void theViewsReadTheHealthRecordOnly() {
        String[] runningParts = {GATEWAY + "xmpp..", GATEWAY + "pubsub..", GATEWAY + "observe.."};
        noClasses().that().resideInAPackage(GATEWAY + "http..")
                .should().dependOnClassesThat().resideInAnyPackage(runningParts)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xmppiot.core.thing.ThingRegistry")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xmppiot.gateway.store.StoreWriter")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xmppiot.core.bus.ReadingBus")
                .because("the page, the JSON API and /metrics render Health (the store is read for history only)")
                .check(production);
        noClasses().that().haveFullyQualifiedName("org.xmppiot.gateway.fleet.StatusBeacon")
                .should().dependOnClassesThat().resideInAnyPackage(GATEWAY + "store..", GATEWAY + "pubsub..", "org.xmppiot.core.bus..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.xmppiot.gateway.xmpp.XmppUplink")
                .because("the fleet beacon renders Health; the registry only tells it when to send")
                .check(production);
        noClasses().that().resideInAnyPackage(GATEWAY + "chat..", GATEWAY + "adhoc..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.xmppiot.gateway.xmpp.XmppUplink")
                .orShould().dependOnClassesThat().resideInAnyPackage(GATEWAY + "store..")
                .because("chat and ad-hoc status answer with the text of Health")
                .check(production);
    }

    /**
     * Shared buses, adapters and platforms live in the gateway's DriverContext, one set per running gateway: no driver
     * keeps state in static fields (a second gateway in the process, or a restart, would meet the first one's).
     */
    @Test
    void driversKeepNoStaticState() {
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields().that().areDeclaredInClassesThat().resideInAPackage("org.xmppiot.drivers..")
                .and().areStatic().should().beFinal()
                .check(production);
        classes().that().resideInAPackage("org.xmppiot.drivers..")
                .should(new com.tngtech.archunit.lang.ArchCondition<JavaClass>("build no mutable map, collection or counter in a static initialiser") {
                    @Override
                    public void check(JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
                        c.getStaticInitializer().ifPresent(init -> init.getConstructorCallsFromSelf().forEach(call -> {
                            JavaClass made = call.getTargetOwner();
                            if (made.isAssignableTo(java.util.Map.class) || made.isAssignableTo(java.util.Collection.class)
                                    || made.getPackageName().equals("java.util.concurrent.atomic")) {
                                events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(call, call.getDescription()));
                            }
                        }));
                    }
                })
                .check(production);
    }

    /** Gateway only wires: the parts it puts together do the work (XmppFeatures, ReadingPath, LiveConfiguration, HealthProbe). */
    @Test
    void gatewayOnlyWires() throws java.io.IOException {
        java.nio.file.Path source = java.nio.file.Path.of("src/main/java/org/xmppiot/gateway/Gateway.java");
        assertThat(java.nio.file.Files.readAllLines(source)).as("lines of " + source.toAbsolutePath()).hasSizeLessThan(200);
    }
}
