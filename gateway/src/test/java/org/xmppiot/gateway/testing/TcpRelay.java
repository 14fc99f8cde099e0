package org.xmppiot.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 between a client and a server, to break a connection the way networks
 * do: silently drop what one side sends (the other side never learns), or cut every connection.
 */
public final class TcpRelay implements AutoCloseable {

    private volatile ServerSocket listener;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean dropToClient;
    private volatile boolean dropToServer;
    private final java.util.concurrent.atomic.AtomicLong droppedToClient = new java.util.concurrent.atomic.AtomicLong();
    /** Told every chunk relayed: whether it went to the server, and its bytes as ISO-8859-1 text. */
    private volatile java.util.function.BiConsumer<Boolean, String> watcher = (toServer, text) -> { };

    public TcpRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listen(0);
        this.port = listener.getLocalPort();
    }

    private void listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        listener = s;
        Thread accept = new Thread(() -> acceptLoop(s), "relay-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The path is gone: every relayed connection is cut, and new ones are refused, until {@link #up}. */
    public void down() throws IOException {
        listener.close();
        cutAll();
    }

    /** The path is back on the same port. */
    public void up() throws IOException {
        listen(port);
    }

    public int port() {
        return port;
    }

    /** Whether bytes from the server to the client are thrown away. */
    public void dropToClient(boolean drop) {
        dropToClient = drop;
    }

    /** Bytes from the server that were dropped on their way to the client. */
    public long droppedToClient() {
        return droppedToClient.get();
    }

    /** From now on {@code watcher} is told every chunk relayed (on the relay's threads), before it is passed on. */
    public void watch(java.util.function.BiConsumer<Boolean, String> watcher) {
        this.watcher = watcher;
    }

    /** Whether bytes from the client to the server are thrown away. */
    public void dropToServer(boolean drop) {
        dropToServer = drop;
    }

    /**
     * A dead path, as after a NAT timeout or a Wi-Fi roam: nothing gets through either way, on the connections there
     * are and on new ones, while every socket stays open, so neither end learns anything from TCP.
     */
    public void freeze(boolean frozen) {
        dropToServer = frozen;
        dropToClient = frozen;
    }

    /** Closes every relayed connection at once, as a network failure would, and stops dropping. */
    public void cutAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
        sockets.clear();
        dropToClient = false;
        dropToServer = false;
    }

    private void acceptLoop(ServerSocket listener) {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean toServer) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!(toServer ? dropToServer : dropToClient)) {
                        watcher.accept(toServer, new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                        out.write(buffer, 0, n);
                        out.flush();
                    } else if (!toServer) {
                        droppedToClient.addAndGet(n);
                    }
                }
            } catch (IOException ignored) {
                // Cut: the other pump ends too.
            } finally {
                try {
                    to.close();
                } catch (IOException ignored) {
                    // Already closed.
                }
            }
        }, "relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cutAll();
    }
}
