#!/usr/bin/env python3
"""The power-cut harness's view from the XMPP side, on another library than the gateway's (slixmpp).

  watch HOST PORT CA_FILE ITEMS   subscribes as watcher@localhost to the thing's node (again until it exists) and
                                  appends every item it gets to ITEMS: "<item id> <seqnr> <epoch ms,...>", the time of each
                                  reading in it (the item's readings follow on from its seqnr)
  check ITEMS CUTS                checks the items against the cut times (epoch ms, one a line): no sequence number
                                  of two readings, and no reading missing but those of the durability window before
                                  a cut. Exit code 0 only when both hold.
"""
import asyncio
import sys
from datetime import datetime

SD = "urn:xmpp:iot:sensordata"
NODE = "gateway/tank"
SERVICE = "pubsub.localhost"
# A cut may take the readings of the last commit interval (2 s) and of a commit under way (2 s more); the guest's
# clock may be a little off the host's.
LOST_AT_A_CUT_MS = 4_000
CLOCK_SLACK_MS = 3_000


def epoch_ms(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def watch(host, port, ca, path):
    import slixmpp

    out = open(path, "a", buffering=1)

    class Watcher(slixmpp.ClientXMPP):
        def __init__(self):
            super().__init__("watcher@localhost/harness", "watcher-password")
            self.ca_certs = ca
            self.register_plugin("xep_0060")
            self.add_event_handler("session_start", self.started)
            self.add_event_handler("pubsub_publish", self.published)
            # A subscription the server ends (or changes) is only told in a notification: printed for whoever reads
            # watch.log after a failure, never acted on (a gateway that loses its readers' subscriptions must fail).
            self.add_event_handler("pubsub_subscription", self.subscription_changed)

        async def started(self, _event):
            self.send_presence()
            while True:
                try:
                    await self["xep_0060"].subscribe(SERVICE, NODE, timeout=30)
                    print("subscribed", flush=True)
                    # What was published before the subscription, as far as the node keeps it.
                    kept = await self["xep_0060"].get_items(SERVICE, NODE, timeout=30)
                    for item in kept["pubsub"]["items"]:
                        self.record(item)
                    return
                except Exception as e:  # The node is made by the gateway's first boot.
                    print("not yet subscribed:", repr(e), flush=True)
                    await asyncio.sleep(3)

        def subscription_changed(self, message):
            sub = message["pubsub_event"]["subscription"]
            print("the server says: subscription of %s to %s is %s" % (sub["jid"], sub["node"], sub["subscription"]), flush=True)

        def published(self, message):
            self.record(message["pubsub_event"]["items"]["item"])

        def record(self, item):
            fields = item.xml.find("{%s}fields" % SD)
            if fields is None:
                return
            stamps = fields.findall("{%s}node/{%s}timestamp" % (SD, SD))
            if not stamps:
                return
            times = ",".join(str(epoch_ms(stamp.get("value"))) for stamp in stamps)
            out.write("%s %s %s\n" % (item["id"], fields.get("seqnr"), times))

    client = Watcher()
    client.connect(address=(host, int(port)))
    asyncio.get_event_loop().run_forever()


def check(items_path, cuts_path):
    by_seq = {}
    for line in open(items_path):
        item_id, seq, times = line.split()
        seq = int(seq)
        if seq <= 0:
            continue  # status readings, in items of their own
        for k, at in enumerate(times.split(",")):
            by_seq.setdefault(seq + k, {})[item_id] = int(at)
    cuts = [int(line) for line in open(cuts_path) if line.strip()]
    problems = []
    for seq, items in by_seq.items():
        if len(items) > 1:
            problems.append("seqnr %d is in %d items: %s" % (seq, len(items), sorted(items)))
    seqs = sorted(by_seq)
    gaps_at_cuts = 0
    for a, b in zip(seqs, seqs[1:]):
        if b == a + 1:
            continue
        ta, tb = min(by_seq[a].values()), min(by_seq[b].values())
        cut = next((c for c in cuts if ta - CLOCK_SLACK_MS <= c <= tb + CLOCK_SLACK_MS), None)
        if cut is None:
            problems.append("readings %d..%d are missing, and no cut came between %d and %d" % (a + 1, b - 1, ta, tb))
        elif cut - ta > LOST_AT_A_CUT_MS + CLOCK_SLACK_MS:
            problems.append("readings after %d (taken %d ms before the cut at %d) are missing: more than the durability window"
                            % (a, cut - ta, cut))
        else:
            gaps_at_cuts += 1
    print("checked %d readings (%d..%d), %d cuts, %d gaps at cuts" % (len(seqs), seqs[0] if seqs else 0,
                                                                       seqs[-1] if seqs else 0, len(cuts), gaps_at_cuts))
    for p in problems[:20]:
        print("FAIL  " + p)
    if not seqs:
        print("FAIL  no readings reached the node")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1] == "watch":
        watch(*sys.argv[2:6])
    else:
        sys.exit(check(*sys.argv[2:4]))
