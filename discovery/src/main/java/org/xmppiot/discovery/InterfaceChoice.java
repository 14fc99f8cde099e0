package org.xmppiot.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/**
 * Which address mDNS uses. {@code auto}: the first interface that is up, not loopback, not virtual
 * (containers, bridges, VPN tunnels) and does multicast, with an IPv4 address; otherwise the
 * configured address, which must be this machine's.
 */
final class InterfaceChoice {

    private static final List<String> VIRTUAL = List.of("docker", "veth", "br-", "virbr", "vmnet", "tun", "tap", "wg", "zt", "lxc", "cni");

    private InterfaceChoice() {
    }

    static InetAddress choose(String bind) throws IOException {
        if (!"auto".equals(bind)) {
            InetAddress a = InetAddress.getByName(bind);
            if (NetworkInterface.getByInetAddress(a) == null) {
                throw new IOException("discovery.bind " + bind + " is not an address of this machine");
            }
            return a;
        }
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (usable(n)) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        }
        throw new IOException("no network interface for mDNS: none is up, multicast-capable and not loopback or virtual; "
                + "set discovery.bind to an address");
    }

    private static boolean usable(NetworkInterface n) throws SocketException {
        String name = n.getName();
        return n.isUp() && !n.isLoopback() && n.supportsMulticast() && !n.isVirtual() && !n.isPointToPoint()
                && VIRTUAL.stream().noneMatch(name::startsWith);
    }
}
