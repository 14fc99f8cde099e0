package org.xmppiot.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The layout the build holds us to (docs/ARCHITECTURE.md): one direction of dependencies between the
 * modules, no cycle between any two packages, drivers that know nothing of each other or of the
 * gateway, mappings that never open a port, XMPP features that meet only in shared parts.
 */
class ArchitectureTest {

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

    @Test
    void xmppKnowsNoFeature() {
        noClasses().that().resideInAPackage("org.xmppiot.gateway.xmpp..")
                .should().dependOnClassesThat().resideInAnyPackage("org.xmppiot.gateway.pubsub..", "org.xmppiot.gateway.sensordata..",
                        "org.xmppiot.gateway.control..", "org.xmppiot.gateway.observe..", "org.xmppiot.gateway.qos..",
                        "org.xmppiot.gateway.chat..", "org.xmppiot.gateway.adhoc..", "org.xmppiot.gateway.disco..",
                        "org.xmppiot.gateway.watch..")
                .check(production);
    }
}
