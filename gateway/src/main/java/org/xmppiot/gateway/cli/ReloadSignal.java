package org.xmppiot.gateway.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP re-reads the configuration file, as daemons do ({@code systemctl reload}, {@code kill -HUP}).
 * The JDK offers signal handling only through {@code sun.misc.Signal} (module jdk.unsupported, present in
 * every JDK and JRE build we run on); where it is missing, reloading is simply not offered.
 */
final class ReloadSignal {

    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {
    }

    static void onHangup(Runnable reload) {
        try {
            SignalHandler before = Signal.handle(new Signal("HUP"), signal -> {
                // Not on the signal dispatcher: a reload starts drivers and may take a moment.
                Thread t = new Thread(reload, "reload");
                t.setDaemon(true);
                t.start();
            });
            if (before == SignalHandler.SIG_IGN) {
                // The JVM leaves a signal alone that was ignored when the process started (nohup, some CI runners).
                log.warn("SIGHUP is ignored in this process (started under nohup?), so it cannot reload the configuration; "
                        + "use the ad-hoc replace-config command, or start the gateway without nohup");
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP cannot be handled here ({}); use the ad-hoc replace-config command to change the configuration", e.toString());
        }
    }
}
