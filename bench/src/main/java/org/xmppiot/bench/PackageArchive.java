package org.xmppiot.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The class-data archive an installed package runs with: its postinst archives the class list shipped with the package
 * ({@code classes.lst}) with this JVM and the service's options, and its launcher adds the archive to every start. A
 * bench that measures "the package's options" runs with it too, or it measures a gateway nobody installs.
 */
final class PackageArchive {

    private PackageArchive() {
    }

    /** The package's JVM options (its /etc/default file) with the archive of {@code jar} it would make, written to {@code work}. */
    static List<String> launcherOptions(Path repo, Path jar, Path work) throws Exception {
        List<String> options = new ArrayList<>(GatewayPeer.launcherOptions(repo));
        options.addAll(sharing(make(repo, jar, options, work.resolve("classes.jsa"))));
        return options;
    }

    /** Archives the package's class list as its postinst does; the archive is tied to this jar's path and time. */
    static Path make(Path repo, Path jar, List<String> jvmOptions, Path archive) throws Exception {
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(archive);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + repo.resolve("deploy/raspberry-pi/src/deb/classes.lst"),
                "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-jar", jar.toString()));
        dump(command, archive);
        return archive;
    }

    /** Runs a command that writes a class-data archive, and fails with its log when none was written. */
    static void dump(List<String> command, Path archive) throws Exception {
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || !Files.isRegularFile(archive)) {
            p.destroyForcibly();
            throw new IllegalStateException("no class-data archive " + archive + " was written; see " + log);
        }
    }

    /** The options the package's launcher adds when the archive is there. */
    static List<String> sharing(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }
}
