#!/usr/bin/env python3
"""Print readings from xmpp-iot-gateway pub/sub nodes, using slixmpp instead of the gateway's own code.

Debian / Raspberry Pi OS: apt-get install python3-slixmpp
Usage: subscribe.py JID SERVICE NODE [NODE ...]   (password from the XMPP_PASSWORD environment variable)
Set XMPP_SERVER=host:port to skip DNS SRV, and XMPP_PLAIN=1 for a loopback test server without TLS.
"""
import asyncio
import os
import sys

import slixmpp

NS = "urn:xmpp:iot:sensordata"


class Subscriber(slixmpp.ClientXMPP):
    def __init__(self, jid, password, service, nodes):
        super().__init__(jid, password)
        self.service, self.nodes = service, nodes
        self.register_plugin("xep_0060")
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("pubsub_publish", self.on_item)

    async def start(self, _event):
        self.send_presence()
        for node in self.nodes:
            # Subscribe this connection (full JID) so the notifications come here.
            await self["xep_0060"].subscribe(self.service, node, bare=False)
        print("subscribed to", ", ".join(self.nodes), file=sys.stderr, flush=True)

    def on_item(self, msg):
        fields = msg["pubsub_event"]["items"]["item"]["payload"]
        if fields is None or fields.tag != "{%s}fields" % NS:
            return
        for node in fields.iter("{%s}node" % NS):
            for stamp in node.iter("{%s}timestamp" % NS):
                values = []
                for f in stamp:
                    unit = f.get("unit")
                    values.append("%s=%s%s" % (f.get("name"), f.get("value"), " " + unit if unit else ""))
                print(stamp.get("value"), node.get("nodeId"), " ".join(values), flush=True)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    jid, service, nodes = sys.argv[1], sys.argv[2], sys.argv[3:]
    client = Subscriber(jid, os.environ["XMPP_PASSWORD"], service, nodes)
    address = ()
    if os.environ.get("XMPP_SERVER"):
        host, port = os.environ["XMPP_SERVER"].rsplit(":", 1)
        address = (host, int(port))
    plain = os.environ.get("XMPP_PLAIN") == "1"
    client.connect(address, force_starttls=not plain, disable_starttls=plain)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        client.disconnect()


if __name__ == "__main__":
    main()
