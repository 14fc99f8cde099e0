package org.xmppiot.gateway.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;

import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** DNS SRV records through the JDK's DNS provider, the resolver Smack uses too. */
final class SrvLookup {

    /** One SRV target. */
    record Target(int priority, int weight, int port, String host) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private SrvLookup() {
    }

    /** The targets of {@code name} by priority; empty when the name has no SRV records. */
    static List<Target> lookup(String name) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(DirContext.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", "2000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        DirContext dns = new InitialDirContext(env);
        List<Target> targets = new ArrayList<>();
        try {
            Attribute srv = dns.getAttributes(name, new String[] {"SRV"}).get("SRV");
            if (srv != null) {
                NamingEnumeration<?> values = srv.getAll();
                while (values.hasMore()) {
                    String[] f = values.next().toString().trim().split("\\s+");
                    String host = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
                    targets.add(new Target(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), host));
                }
            }
        } catch (NameNotFoundException e) {
            return List.of();
        } finally {
            dns.close();
        }
        targets.sort(Comparator.comparingInt(Target::priority).thenComparing(Comparator.comparingInt(Target::weight).reversed()));
        return targets;
    }
}
