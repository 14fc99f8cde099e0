#!/usr/bin/env python3
"""Print readings from xmpp-iot-gateway pub/sub nodes, using slixmpp instead of the gateway's own code.

Debian / Raspberry Pi OS: apt-get install python3-slixmpp
Usage: subscribe.py [--no-status] JID SERVICE NODE [NODE ...]   (password from the XMPP_PASSWORD environment variable)
One line per reading: <time> <thing> name=value unit ...; a thing's status changes come as <time> <thing> status="...",
which --no-status leaves out.
Set XMPP_SERVER=host:port to skip DNS SRV, and XMPP_PLAIN=1 for a loopback test server without TLS.
"""
import asyncio
import os
import sys

import slixmpp

NS = "urn:xmpp:iot:sensordata"


class Subscriber(slixmpp.ClientXMPP):
    def __init__(self, jid, password, service, nodes, no_status):
        super().__init__(jid, password)
        self.service, self.nodes, self.no_status = service, nodes, no_status
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
                # A thing's status changes come on its node too, as a field with status='true'.
                if self.no_status and all(f.get("status") == "true" for f in stamp):
                    continue
                print(stamp.get("value"), node.get("nodeId"), " ".join(map(field_text, stamp)), flush=True)


def field_text(f):
    """name=value as the gateway's own watch prints it: units after numbers, text in quotes, bad values marked."""
    kind, unit = f.tag.split("}")[-1], f.get("unit")
    value = '"%s"' % f.get("value") if kind == "string" else f.get("value")
    text = "%s=%s%s" % (f.get("name"), value, " " + unit if unit else "")
    if f.get("missing") == "true":
        text += " (missing)"
    elif f.get("error") == "true":
        text += " (error)"
    return text


def main():
    args = sys.argv[1:]
    no_status = "--no-status" in args
    args = [a for a in args if a != "--no-status"]
    if len(args) < 3:
        sys.exit(__doc__)
    jid, service, nodes = args[0], args[1], args[2:]
    client = Subscriber(jid, os.environ["XMPP_PASSWORD"], service, nodes, no_status)
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
