package org.xmppiot.gateway.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jivesoftware.smack.packet.StandardExtensionElement;

import org.xmppiot.gateway.config.XmppConfig;

/**
 * Moves gateways to a version of their package, in rings: each gateway of a ring is asked with its ad-hoc {@code update}
 * command, then followed through its status (PEP, {@link StatusBeacon}) until its update helper reports how it went:
 * updated, or rolled back (with the reason). The canaries go first; the rest are asked only when every canary updated
 * and stayed online for the soak time.
 */
public final class FleetUpdate {

    /** How one gateway ended: {@code updated}, {@code rolled back}, {@code failed}, {@code refused}, {@code unreachable}, ... */
    public record Result(String jid, String outcome, String detail) {
        public boolean updated() {
            return outcome.equals("updated");
        }

        public String line() {
            return jid + ": " + outcome + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    /** Which gateways, the times to wait, and where progress lines go. */
    public record Plan(String version, List<String> canaries, List<String> rest, Duration soak, Duration outcomeWithin) {
    }

    private final FleetSession fleet;
    private final Plan plan;
    private final Consumer<String> progress;
    private final Map<String, Result> results = new LinkedHashMap<>();

    private FleetUpdate(FleetSession fleet, Plan plan, Consumer<String> progress) {
        this.fleet = fleet;
        this.plan = plan;
        this.progress = progress;
    }

    /** Runs {@code plan} as {@code owner}; one result per gateway, canaries first. */
    public static List<Result> run(XmppConfig owner, Plan plan, Consumer<String> progress) throws Exception {
        try (FleetSession fleet = FleetSession.open(owner, "fleet-update")) {
            return new FleetUpdate(fleet, plan, progress).run();
        }
    }

    private List<Result> run() throws Exception {
        List<String> all = new ArrayList<>(plan.canaries());
        all.addAll(plan.rest());
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        fleet.follow(all, deadline);
        // The status each online gateway had before it was asked: an outcome counts when it is a new one.
        FleetSession.waitFor(deadline, () -> all.stream().allMatch(j -> !fleet.online(j) || fleet.status(j) != null));
        String stop = null;
        if (!plan.canaries().isEmpty()) {
            progress.accept("canaries first: " + String.join(", ", plan.canaries()));
            ring(plan.canaries());
            stop = canariesProblem();
        }
        if (stop == null) {
            ring(plan.rest());
        } else {
            progress.accept("the others are not asked: " + stop);
            for (String jid : plan.rest()) {
                report(new Result(jid, "not asked", stop));
            }
        }
        return new ArrayList<>(results.values());
    }

    /** Asks every gateway of the ring, then follows the ones that accepted until each reports an outcome. */
    private void ring(List<String> gateways) throws InterruptedException {
        Map<String, String> before = new LinkedHashMap<>();
        for (String jid : gateways) {
            String previous = updateId(fleet.status(jid));
            GatewayAnswer answer = GatewayAnswer.ask(fleet.connection(), jid, "update", Map.of("version", plan.version()));
            progress.accept(answer.line());
            if (answer.outcome() == GatewayAnswer.Outcome.ACCEPTED) {
                before.put(jid, previous);
            } else {
                report(new Result(jid, answer.outcome().name().toLowerCase(java.util.Locale.ROOT), answer.detail()));
            }
        }
        long deadline = System.nanoTime() + plan.outcomeWithin().toNanos();
        FleetSession.waitFor(deadline, () -> {
            before.entrySet().removeIf(e -> {
                StandardExtensionElement update = outcome(e.getKey(), e.getValue());
                if (update != null) {
                    String word = update.getAttributeValue("outcome").replace('-', ' ');
                    report(new Result(e.getKey(), word, update.getText() == null ? "" : update.getText()));
                }
                return update != null;
            });
            return before.isEmpty();
        });
        for (String jid : before.keySet()) {
            report(new Result(jid, "no outcome", "none reported within " + plan.outcomeWithin().toMinutes() + " min"
                    + (fleet.online(jid) ? "" : "; the gateway is offline")));
        }
    }

    /** A finished update to the plan's version, newer than {@code previousId}, in the gateway's last status; or null. */
    private StandardExtensionElement outcome(String jid, String previousId) {
        StandardExtensionElement status = fleet.status(jid);
        StandardExtensionElement update = status == null ? null : status.getFirstElement("update", StatusBeacon.NODE);
        if (update == null || update.getAttributeValue("id").equals(previousId) || !plan.version().equals(update.getAttributeValue("to"))
                || "updating".equals(update.getAttributeValue("outcome"))) {
            return null;
        }
        return update;
    }

    private static String updateId(StandardExtensionElement status) {
        StandardExtensionElement update = status == null ? null : status.getFirstElement("update", StatusBeacon.NODE);
        return update == null ? null : update.getAttributeValue("id");
    }

    /** Why the rest must not follow, or null when every canary updated and stayed online for the soak time. */
    private String canariesProblem() throws InterruptedException {
        for (String jid : plan.canaries()) {
            if (!results.get(jid).updated()) {
                return "canary " + jid + " did not update (" + results.get(jid).outcome() + ")";
            }
        }
        progress.accept("canaries updated; watching them for " + plan.soak().toSeconds() + " s");
        long end = System.nanoTime() + plan.soak().toNanos();
        while (System.nanoTime() < end) {
            for (String jid : plan.canaries()) {
                if (!fleet.online(jid)) {
                    return "canary " + jid + " went offline after its update";
                }
            }
            Thread.sleep(Math.min(1_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        return null;
    }

    private void report(Result r) {
        results.put(r.jid(), r);
        progress.accept(r.line());
    }
}
