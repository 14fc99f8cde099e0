package org.xmppiot.gateway.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.io.Connection;

/**
 * At most {@code perAddress} open connections from one IP address: the next one is closed as soon as it opens (and
 * counted), so one client holding hundreds of idle or half-sent requests leaves room for everyone else.
 */
final class AddressLimit implements Connection.Listener {

    private final int perAddress;
    private final Runnable refused;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    AddressLimit(int perAddress, Runnable refused) {
        this.perAddress = perAddress;
        this.refused = refused;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null) {
            return;
        }
        if (open.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet() > perAddress) {
            refused.run();
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = address(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private static InetAddress address(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
