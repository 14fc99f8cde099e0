package org.xmppiot.gateway.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.xmppiot.gateway.health.Health;

/**
 * The directory the gateway shares with its package's update helper, a root unit of systemd the hardened service cannot
 * do more than start by leaving a file: the gateway writes {@code request} (the version an owner asked for) and
 * {@code healthy} (its process id, once connected and publishing); the helper takes the request, installs the version,
 * waits for {@code healthy} from the new process, installs the previous one again when it does not come, and writes
 * {@code result}. Without the directory (a gateway not installed by its package) there is no helper and no update.
 */
public final class UpdateDirectory {

    /** A Debian version without an epoch: what the helper hands to apt, so nothing else may pass. */
    static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~-]{0,63}");
    private static final Logger log = LoggerFactory.getLogger(UpdateDirectory.class);

    private final Path dir;

    public UpdateDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    /** Asks the helper for {@code version}; null when it is requested, otherwise why not. */
    synchronized String request(String version, String requester) {
        if (!Files.isDirectory(dir)) {
            return "this gateway has no update helper (it was not installed from its Debian package; " + dir + " does not exist)";
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            return "'" + (version == null ? "" : version.length() > 70 ? version.substring(0, 70) + "..." : version)
                    + "' is not a package version (a digit first, then letters, digits and . + ~ -)";
        }
        if (Files.exists(dir.resolve("request"))) {
            return "an update is already requested and not yet taken by the update helper";
        }
        Health.Update last = lastResult();
        if (last != null && !last.finished()) {
            return "an update is under way: " + last.text();
        }
        try {
            write("request", version + "\n");
        } catch (IOException e) {
            return "the request could not be written to " + dir + ": " + e.getMessage();
        }
        log.info("update to {} requested by {}", version, requester);
        return null;
    }

    /** What the helper wrote of the last update, or null when it wrote nothing (or nothing readable). */
    public Health.Update lastResult() {
        Map<String, String> r = new HashMap<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("result"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    r.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            log.warn("the update helper's result in {} cannot be read ({}): the last update's outcome is not shown until the"
                    + " helper writes it again", dir, e.getMessage());
            return null;
        }
        if (r.get("id") == null || r.get("outcome") == null) {
            return null;
        }
        return new Health.Update(r.get("id"), r.get("outcome"), r.getOrDefault("from", "?"), r.getOrDefault("to", "?"),
                r.getOrDefault("text", r.get("outcome")));
    }

    /** Tells the helper that this process is up, connected and publishing. */
    void healthy() throws IOException {
        write("healthy", ProcessHandle.current().pid() + "\n");
    }

    /** The id of the last result the owners were told of ("" when none). */
    String told() {
        try {
            return Files.readString(dir.resolve("told"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    void told(String id) throws IOException {
        write("told", id + "\n");
    }

    /** A request is there that the helper has not taken yet. */
    boolean requested() {
        return Files.exists(dir.resolve("request"));
    }

    boolean exists() {
        return Files.isDirectory(dir);
    }

    /** Written beside and renamed into place, so the helper never reads half a file. */
    private void write(String name, String text) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
