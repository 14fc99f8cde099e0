package org.xmppiot.simulators;

import java.nio.file.Path;
import java.util.List;

/** Run in a JVM of its own by {@link WatchedProcessTest}: starts a helper that writes its PID, then waits to be killed. */
public final class StartHelperAndWait {

    private StartHelperAndWait() {
    }

    public static void main(String[] args) throws Exception {
        Path pidFile = Path.of(args[0]);
        Path scratch = Path.of(args[1]);
        WatchedProcess.start(helper(pidFile), null, scratch);
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** A helper that records its own PID and then runs for ten minutes. */
    static List<String> helper(Path pidFile) {
        return List.of("/bin/sh", "-c", "echo $$ > '" + pidFile + "'; exec sleep 600");
    }
}
