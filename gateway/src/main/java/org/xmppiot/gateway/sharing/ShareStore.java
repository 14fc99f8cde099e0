package org.xmppiot.gateway.sharing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.store.StateFiles;

/**
 * The things owners shared by chat, kept in {@code shares} beside the store: not in the configuration, so neither a
 * replaced configuration nor SIGHUP wipes them, and a share outlives restarts. One share a line,
 * {@code thing jid allowed-by time}; a line that cannot be read is named in the log and left out, the others hold.
 */
final class ShareStore {

    private static final Logger log = LoggerFactory.getLogger(ShareStore.class);

    /** A thing given to a JID, by which owner and when. */
    record Share(String thing, BareJid jid, String allowedBy, Instant at) {
    }

    private final Path file;

    ShareStore(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    List<Share> load() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Share> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            try {
                if (parts.length != 4) {
                    throw new IllegalArgumentException("expected: thing jid allowed-by time");
                }
                out.add(new Share(parts[0], JidCreate.bareFrom(parts[1]), parts[2], Instant.parse(parts[3])));
            } catch (Exception e) {
                log.warn("{} line {}: '{}' left out: {}", file, i + 1, line, e.getMessage());
            }
        }
        return out;
    }

    void save(List<Share> shares) throws IOException {
        StringBuilder text = new StringBuilder("# Things shared by the owners (chat: allow, revoke). thing jid allowed-by time\n");
        for (Share s : shares) {
            text.append(s.thing()).append(' ').append(s.jid()).append(' ').append(s.allowedBy()).append(' ').append(s.at()).append('\n');
        }
        StateFiles.replace(file, text.toString());
    }
}
