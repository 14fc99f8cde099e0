package org.xmppiot.gateway;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jxmpp.stringprep.XmppStringprepException;
import org.xmppiot.core.bus.BusSubscription;
import org.xmppiot.core.bus.ReadingBus;
import org.xmppiot.core.thing.ThingRegistry;
import org.xmppiot.gateway.access.AccessPolicy;
import org.xmppiot.gateway.adhoc.CommandResponder;
import org.xmppiot.gateway.adhoc.ConfigReplacer;
import org.xmppiot.gateway.adhoc.ManagedGateway;
import org.xmppiot.gateway.update.UpdateDirectory;
import org.xmppiot.gateway.update.UpdateReports;
import org.xmppiot.gateway.chat.ChatCommands;
import org.xmppiot.gateway.config.AccessConfig;
import org.xmppiot.gateway.config.GatewayConfig;
import org.xmppiot.gateway.config.ObserveConfig;
import org.xmppiot.gateway.control.ControlService;
import org.xmppiot.gateway.disco.DiscoService;
import org.xmppiot.gateway.fleet.StatusBeacon;
import org.xmppiot.gateway.health.Health;
import org.xmppiot.gateway.observe.ObservationStore;
import org.xmppiot.gateway.observe.ObserveChatVerbs;
import org.xmppiot.gateway.observe.ObserveService;
import org.xmppiot.gateway.onboarding.Onboarding;
import org.xmppiot.gateway.onboarding.OnboardingState;
import org.xmppiot.gateway.onboarding.Ownership;
import org.xmppiot.gateway.pubsub.NodeProvisioner;
import org.xmppiot.gateway.weblogin.HttpAuthConfirmations;
import org.xmppiot.gateway.qos.QosSender;
import org.xmppiot.gateway.sensordata.SensorDataService;
import org.xmppiot.gateway.sharing.Sharing;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoreException;
import org.xmppiot.gateway.xmpp.PresenceAccess;
import org.xmppiot.gateway.xmpp.StrangerReplies;
import org.xmppiot.gateway.xmpp.XmppUplink;

/**
 * The XMPP side of a gateway: the one access policy, the uplink and every feature on it, each made with what it needs
 * and handed to the uplink; features meet only here, through the contracts of {@code gateway.feature}.
 */
final class XmppFeatures implements AutoCloseable {

    /** Most readings handed to the observers at once. */
    private static final int OBSERVE_BATCH = 1_000;

    final AccessPolicy access;
    final StrangerReplies strangers;
    final ObserveService observe;
    final QosSender qos;
    final NodeProvisioner provisioner;
    final XmppUplink uplink;
    private final ObservationStore observations;
    private final StatusBeacon beacon;
    final Onboarding onboarding;
    final HttpAuthConfirmations logins;
    final ControlService control;
    private final Sharing sharing;
    final UpdateReports updates;
    private final BusSubscription observing;

    XmppFeatures(GatewayConfig config, ThingRegistry things, ReadingBus bus, ReadingStore store, ManagedGateway managed,
                 ConfigReplacer replacer, Supplier<Health> health, String version)
            throws XmppStringprepException, StoreException {
        access = AccessPolicy.of(config.access());
        strangers = new StrangerReplies(access::isKnown);
        // The sender needs the uplink, which needs the features (observe among them): it is set below.
        AtomicReference<XmppUplink> sessions = new AtomicReference<>();
        qos = new QosSender(() -> sessions.get() == null ? null : sessions.get().session(), config.observe().retryFor());
        try {
            observations = new ObservationStore(config.store().path());
            observe = new ObserveService(config.observe(), access, things::ids, bus.latest(), observations, qos);
        } catch (SQLException e) {
            qos.close();
            throw new StoreException("cannot read the observers' subscriptions from " + config.store().path() + ": " + e.getMessage(), e);
        }
        provisioner = new NodeProvisioner(config.xmpp().pubsub(), access, things);
        java.nio.file.Path stateDir = config.store().path().toAbsolutePath().getParent();
        try {
            sharing = new Sharing(access, stateDir.resolve("shares"), things::ids, this::sharesChanged,
                    thing -> provisioner.target() == null ? null : "'" + config.xmpp().pubsub().nodeFor(thing) + "' on " + provisioner.target(),
                    System::nanoTime);
        } catch (java.io.IOException e) {
            qos.close();
            observations.close();
            throw new StoreException("cannot read the owners' shares from " + stateDir.resolve("shares") + ": " + e.getMessage(), e);
        }
        beacon = new StatusBeacon(things, health, StatusBeacon.HEARTBEAT);
        // The package's update helper shares this directory with the gateway (see deploy/raspberry-pi).
        updates = new UpdateReports(new UpdateDirectory(stateDir.resolve("update")), access, health, beacon::publishSoon);
        CommandResponder commands = new CommandResponder(access, CommandResponder.managementCommands(managed, replacer, sharing, updates));
        // Only a gateway that can write its configuration (the run command's) takes an owner by invite.
        onboarding = new Onboarding(access, new OnboardingState(stateDir), things::ids,
                replacer instanceof Ownership o ? o : null);
        logins = new HttpAuthConfirmations(access);
        control = new ControlService(access, things);
        uplink = new XmppUplink(config.xmpp(), List.of(provisioner, new PresenceAccess(access), beacon, observe, onboarding, logins, sharing, updates,
                new ChatCommands(access, bus.latest(), things, managed::status, List.of(new ObserveChatVerbs(observe), sharing)),
                new SensorDataService(access, things::ids, bus.latest(), store),
                control,
                new DiscoService(access, things, version, List.of(commands)), commands));
        uplink.limitRepliesToStrangers(strangers);
        sessions.set(uplink);
        // Observers are told in batches too when readings come fast (as often as a node gets an item): one wake-up per
        // batch instead of one per reading. A new observation starts hearing after the readings published before it
        // (those of a batch under way among them).
        observing = bus.subscribeInBatches("observe", config.busQueueCapacity(), OBSERVE_BATCH, config.xmpp().pubsub().itemInterval(),
                batch -> batch.forEach(observe));
        // While nobody observes, readings are not even queued for it. An observation is registered before it asks to
        // hear (a mark after the readings published so far), so it misses none published after.
        observing.offerOnlyWhile(() -> observe.observations() > 0);
        observe.afterPublished(action -> bus.afterPublished(observing, action));
    }

    /** New owners and readers hold from the next stanza; node affiliations follow, observers no longer allowed lose their subscriptions. */
    void accessChanged(AccessConfig next) throws XmppStringprepException {
        if (access.replace(next)) {
            sharesChanged();
        }
    }

    /** Owners shared or revoked a thing: node affiliations and observers follow, as for a changed configuration. */
    private void sharesChanged() {
        provisioner.accessChanged();
        observe.accessChanged();
    }

    void observeChanged(ObserveConfig next) {
        observe.reconfigure(next);
        qos.giveUpAfter(next.retryFor());
    }

    /** The beacon stops first (it would report the stopping things), then observers, the sender and the session. */
    void stopBeacon() {
        beacon.close();
    }

    @Override
    public void close() {
        observing.close();
        observe.close();
        qos.close();
        uplink.close();
        observations.close();
        onboarding.close();
        sharing.close();
        updates.close();
    }
}
