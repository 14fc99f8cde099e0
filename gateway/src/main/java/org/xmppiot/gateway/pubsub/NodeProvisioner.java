package org.xmppiot.gateway.pubsub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Set;

import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.pubsub.AccessModel;
import org.jivesoftware.smackx.pubsub.Affiliation;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.Subscription;
import org.jivesoftware.smackx.pubsub.form.ConfigureForm;
import org.jivesoftware.smackx.pubsub.form.FillableConfigureForm;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmppiot.gateway.config.PubSubConfig;
import org.xmppiot.core.thing.Thing;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.xmpp.XmppFailures;
import org.xmppiot.gateway.xmpp.Session;
import org.xmppiot.gateway.xmpp.SessionListener;
import org.xmppiot.gateway.xmpp.SessionSetupException;
import org.xmppiot.gateway.access.AccessPolicy;

/**
 * Makes sure every thing's pub/sub node exists with the configured settings and that exactly the
 * owners, readers and those given that thing may subscribe to it; anyone else's subscription is ended. Runs at the start of every session. A service that
 * refuses (the account may not create nodes, no such service) never keeps the gateway offline: the nodes go to the
 * account's own PEP service instead ({@link #fallback} says why); when that refuses too, publishing waits (the
 * publisher sends nothing while {@link #target} is null), {@link #problem} says why, and the nodes are tried again in
 * the background. The session serves read-outs, control, chat and ad-hoc meanwhile.
 */
public final class NodeProvisioner implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(NodeProvisioner.class);

    static {
        // Smack 4.4.8 registers <affiliations/> only for the pubsub namespace, so reading a node's
        // affiliations as its owner (pubsub#owner) fails with a ClassCastException without this.
        org.jivesoftware.smack.provider.ProviderManager.addExtensionProvider("affiliations",
                "http://jabber.org/protocol/pubsub#owner", new org.jivesoftware.smackx.pubsub.provider.AffiliationsProvider());
        // The same for <subscriptions/>, read as the owner to end the subscriptions of those no longer allowed.
        org.jivesoftware.smack.provider.ProviderManager.addExtensionProvider("subscriptions",
                "http://jabber.org/protocol/pubsub#owner", new org.jivesoftware.smackx.pubsub.provider.SubscriptionsProvider());
    }

    private final PubSubConfig config;
    private final AccessPolicy access;
    /** Every thing, configured or found while running (mDNS); a node each, titled with the thing's name. */
    private final ThingRegistry things;
    /** First wait before the nodes are tried again after a refusal; it doubles up to {@link #RETRY_MAX_SECONDS}. */
    static final long RETRY_FIRST_SECONDS = 15;
    static final long RETRY_MAX_SECONDS = 300;

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pubsub-provisioner");
        t.setDaemon(true);
        return t;
    });
    private volatile XMPPConnection current;
    /** Where this session publishes: the configured service, the account's own PEP nodes, or null while both refuse. */
    private volatile BareJid target;
    private volatile String problem;
    private volatile String fallback;

    public NodeProvisioner(PubSubConfig config, AccessPolicy access, ThingRegistry things) {
        this.config = config;
        this.access = access;
        this.things = things;
    }

    @Override
    public void sessionStarted(Session session) throws Exception {
        XMPPConnection connection = session.smack();
        current = connection;
        target = null;
        try {
            setUp(connection);
        } catch (ProvisioningException e) {
            refused(connection, e, RETRY_FIRST_SECONDS);
        }
    }

    /** Why publishing waits (the service refused the nodes), with what fixes it; null while the nodes are fine. */
    public String problem() {
        return problem;
    }

    /** Where items go on this session: the pub/sub service or the account's own PEP; null while publishing waits. */
    public BareJid target() {
        return target;
    }

    /** Why the gateway publishes to its own PEP nodes instead of the configured service; null when it does not. */
    public String fallback() {
        return fallback;
    }

    /**
     * Sets up every node on the configured service; when that service refuses them (the account may not create nodes,
     * or there is no such service), on the account's own PEP service instead, which every account may use.
     */
    private void setUp(XMPPConnection connection) throws Exception {
        BareJid own = connection.getUser().asBareJid();
        BareJid configured = config.pep() ? own : JidCreate.bareFrom(config.service());
        String why = null;
        try {
            provisionAll(connection, configured);
        } catch (ProvisioningException e) {
            if (config.pep() || !e.refusedByService()) {
                throw e;
            }
            try {
                provisionAll(connection, own);
            } catch (ProvisioningException pepToo) {
                log.debug("the PEP service refused the nodes too: {}", pepToo.getMessage());
                throw e; // The configured service's refusal names the fix.
            }
            why = e.getMessage();
        }
        if (problem != null || why != null && !why.equals(fallback)) {
            log.info("pubsub nodes are set up on {}; publishing goes on", why == null ? configured : "the PEP service of " + own);
        }
        if (why != null && !why.equals(fallback)) {
            log.warn("{} Publishing to the gateway's own PEP nodes ({}) instead: readers subscribe there, with pubsub.service: {} in"
                    + " their configuration.", why, own, own);
        }
        fallback = why;
        problem = null;
        target = why == null ? configured : own;
    }

    private void provisionAll(XMPPConnection connection, BareJid service) throws Exception {
        for (Thing thing : things.things()) {
            provision(connection, service, thing.id(), thing.title());
        }
    }

    /** The service refused: say so once per change, and try again later on the same session. */
    private void refused(XMPPConnection connection, ProvisioningException e, long waitSeconds) {
        if (!e.getMessage().equals(problem)) {
            log.warn("{} Publishing waits (readings are kept); the gateway stays reachable and tries again in the background.",
                    e.getMessage());
        }
        problem = e.getMessage();
        background.schedule(() -> {
            if (current != connection || !connection.isAuthenticated()) {
                return; // A new session tries on its own.
            }
            try {
                setUp(connection);
            } catch (ProvisioningException again) {
                refused(connection, again, Math.min(RETRY_MAX_SECONDS, waitSeconds * 2));
            } catch (Exception other) {
                log.debug("pubsub nodes not set up yet: {}", other.toString());
                refused(connection, e, Math.min(RETRY_MAX_SECONDS, waitSeconds * 2));
            }
        }, waitSeconds, TimeUnit.SECONDS);
    }

    /**
     * Makes (or repairs) a registered thing's node in the background, on the current session; once at a
     * time per thing. Things added while running (found on the network, added by a new configuration)
     * get theirs this way; every session start makes them all.
     */
    public void ensure(String thingId) {
        String title = things.thing(thingId).map(Thing::title).orElse(null);
        if (title == null || !pending.add(thingId)) {
            return;
        }
        background.execute(() -> {
            try {
                XMPPConnection c = current;
                BareJid service = target;
                if (c != null && c.isAuthenticated() && service != null) {
                    provision(c, service, thingId, title);
                }
            } catch (Exception e) {
                log.warn("pubsub node for {} not ready: {}", thingId, XmppFailures.brief(e));
            } finally {
                pending.remove(thingId);
            }
        });
    }

    /**
     * The access policy changed: every node's affiliations are brought in line with it on the current session before this
     * returns, so that a reader just added can subscribe as soon as the new configuration is said to run. Without a
     * session, the next one sets them up.
     */
    public void accessChanged() {
        XMPPConnection c = current;
        BareJid service = target;
        if (c == null || !c.isAuthenticated() || service == null) {
            return;
        }
        for (Thing thing : things.things()) {
            try {
                provision(c, service, thing.id(), thing.title());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("pubsub node for {}: readers not updated ({}); the next session sets them", thing.id(), XmppFailures.brief(e));
            }
        }
    }

    private void provision(XMPPConnection connection, BareJid service, String thingId, String title) throws Exception {
        PubSubManager pubsub = PubSubManager.getInstanceFor(connection, service);
        String nodeId = config.nodeFor(thingId);
        try {
            LeafNode node = find(pubsub, nodeId);
            if (node == null) {
                node = create(pubsub, service, nodeId, title);
            } else {
                configure(node, title);
            }
            if (AccessModel.valueOf(config.accessModel()) == AccessModel.whitelist) {
                allowOnlyReaders(connection, service, node, thingId);
            }
        } catch (XMPPErrorException e) {
            throw new ProvisioningException(nodeId, service.toString(), e);
        }
    }

    /** The node, or null when the service has none of that name. */
    private static LeafNode find(PubSubManager pubsub, String nodeId) throws Exception {
        try {
            return pubsub.getLeafNode(nodeId);
        } catch (XMPPErrorException e) {
            if (e.getStanzaError().getCondition() != StanzaError.Condition.item_not_found) {
                throw e;
            }
            return null;
        } catch (org.jivesoftware.smackx.pubsub.PubSubException.NotAPubSubNodeException e) {
            // The node exists, but ejabberd's PEP does not call it a leaf in disco#info, which Smack insists on.
            return existingLeaf(pubsub, nodeId);
        }
    }

    /**
     * Makes the node with its settings in the same request (XEP-0060 8.1.3). Made first and configured after, it would
     * for a moment have the service's default access model, and a reader who subscribed in that moment would lose the
     * subscription as the access model changed (Prosody ends the subscriptions the new model does not allow), without
     * being told why. A service that offers no default settings to fill gets the node made, then configured.
     */
    private LeafNode create(PubSubManager pubsub, BareJid service, String nodeId, String title) throws Exception {
        FillableConfigureForm form;
        try {
            form = pubsub.getDefaultConfiguration().getFillableForm();
        } catch (XMPPErrorException e) {
            log.debug("pubsub service={} offers no default node settings ({}): node={} made, then configured", service,
                    e.getStanzaError().getCondition(), nodeId);
            LeafNode node = pubsub.createNode(nodeId);
            log.info("pubsub created node={} service={}", nodeId, service);
            configure(node, title);
            return node;
        }
        List<String> unsupported = fill(form, title);
        LeafNode node = (LeafNode) pubsub.createNode(nodeId, form);
        log.info("pubsub created node={} service={}", nodeId, service);
        warnUnsupported(nodeId, unsupported);
        return node;
    }

    /**
     * A handle on a node known to exist, without asking disco#info first. Smack keeps that constructor to its own
     * package (it makes one itself after a create, or for Prosody's node disco bug); this is the only way in.
     */
    private static LeafNode existingLeaf(PubSubManager pubsub, String nodeId) throws ReflectiveOperationException {
        java.lang.reflect.Constructor<LeafNode> make = LeafNode.class.getDeclaredConstructor(PubSubManager.class, String.class);
        make.setAccessible(true);
        return make.newInstance(pubsub, nodeId);
    }

    private void configure(LeafNode node, String title) throws Exception {
        ConfigureForm current = node.getNodeConfiguration();
        FillableConfigureForm form = current.getFillableForm();
        List<String> unsupported = fill(form, title);
        node.sendConfigurationForm(form);
        warnUnsupported(node.getId(), unsupported);
    }

    /** Sets the configured options the form offers (servers differ in which they have); returns those it lacks. */
    private List<String> fill(FillableConfigureForm form, String title) {
        List<String> unsupported = new ArrayList<>();
        trySet(unsupported, "title", () -> form.setTitle(title));
        trySet(unsupported, "access_model", () -> form.setAccessModel(AccessModel.valueOf(config.accessModel())));
        trySet(unsupported, "max_items", () -> form.setMaxItems(config.maxItems()));
        trySet(unsupported, "persist_items", () -> form.setPersistentItems(config.persistItems()));
        trySet(unsupported, "deliver_payloads", () -> form.setDeliverPayloads(true));
        return unsupported;
    }

    private static void warnUnsupported(String nodeId, List<String> unsupported) {
        if (!unsupported.isEmpty()) {
            log.warn("pubsub node={} the server does not offer the options {}; left at its defaults", nodeId, unsupported);
        }
    }

    private static void trySet(List<String> unsupported, String option, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            unsupported.add(option);
        }
    }

    private void allowOnlyReaders(XMPPConnection connection, BareJid service, LeafNode node, String thingId) throws Exception {
        BareJid self = connection.getUser().asBareJid();
        Set<BareJid> wanted = access.readersOf(thingId);
        endSubscriptionsOfOthers(connection, service, node, wanted, self);
        List<Affiliation> changes = new ArrayList<>();
        Set<BareJid> present = new HashSet<>();
        for (Affiliation a : node.getAffiliationsAsOwner()) {
            BareJid jid = a.getJid();
            if (jid == null || jid.equals(self)) {
                continue;
            }
            present.add(jid);
            if (!wanted.contains(jid) && a.getAffiliation() != Affiliation.Type.outcast) {
                changes.add(new Affiliation(jid, Affiliation.Type.none));
            }
        }
        for (BareJid jid : wanted) {
            if (!present.contains(jid) && !jid.equals(self)) {
                changes.add(new Affiliation(jid, Affiliation.Type.member));
            }
        }
        if (!changes.isEmpty()) {
            node.modifyAffiliationAsOwner(changes);
            log.info("pubsub node={} access updated: {}", node.getId(), changes.stream()
                    .map(a -> a.getJid() + "=" + a.getAffiliation()).toList());
        }
    }

    /**
     * Ends the subscriptions of those who may no longer read the node. Done before their affiliation goes: Prosody keeps
     * a subscription when the affiliation of a subscriber is taken away (and answers that change with an error).
     */
    private static void endSubscriptionsOfOthers(XMPPConnection connection, BareJid service, LeafNode node, Set<BareJid> wanted,
                                                 BareJid self) throws Exception {
        List<Subscription> subscriptions;
        try {
            subscriptions = node.getSubscriptionsAsOwner();
        } catch (XMPPErrorException e) {
            log.debug("pubsub node={} subscriptions not readable as owner: {}", node.getId(), e.getStanzaError().getCondition());
            return;
        }
        List<org.jxmpp.jid.Jid> ended = new ArrayList<>();
        for (Subscription s : subscriptions) {
            BareJid jid = s.getJid() == null ? null : s.getJid().asBareJid();
            if (jid != null && !jid.equals(self) && !wanted.contains(jid)) {
                ended.add(s.getJid());
            }
        }
        if (!ended.isEmpty()) {
            connection.sendIqRequestAndWaitForResponse(new EndSubscriptions(service, node.getId(), ended));
            log.info("pubsub node={} subscriptions ended: {}", node.getId(), ended);
        }
    }

    /** A node could not be created or set up; says what the server refused and what usually fixes it. */
    public static final class ProvisioningException extends SessionSetupException {
        private final StanzaError.Condition condition;

        ProvisioningException(String nodeId, String service, XMPPErrorException cause) {
            super("Cannot set up pub/sub node '" + nodeId + "' on " + service + ": the server answered "
                    + cause.getStanzaError().getCondition() + hint(cause.getStanzaError().getCondition()) + ".", cause);
            this.condition = cause.getStanzaError().getCondition();
        }

        /** The service will not hold our nodes (no right to create them, or no such service), as opposed to a passing error. */
        boolean refusedByService() {
            return switch (condition) {
                case forbidden, not_allowed, not_authorized, service_unavailable, item_not_found, remote_server_not_found,
                     feature_not_implemented -> true;
                default -> false;
            };
        }

        private static String hint(StanzaError.Condition condition) {
            return switch (condition) {
                case forbidden, not_allowed, not_authorized ->
                        " (the gateway's account may not create or configure nodes there; on Prosody list it in the pubsub component's admins)";
                case service_unavailable, item_not_found, remote_server_not_found ->
                        " (is xmpp.pubsub.service a pub/sub service?)";
                case conflict -> " (the node exists and belongs to another account; choose another xmpp.pubsub.node-prefix)";
                default -> "";
            };
        }
    }
}
