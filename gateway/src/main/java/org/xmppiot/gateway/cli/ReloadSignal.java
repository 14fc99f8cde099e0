package org.xmppiot.gateway.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

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
            Signal.handle(new Signal("HUP"), signal -> {
                // Not on the signal dispatcher: a reload starts drivers and may take a moment.
                Thread t = new Thread(reload, "reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP cannot be handled here ({}); use the ad-hoc replace-config command to change the configuration", e.toString());
        }
    }
}
