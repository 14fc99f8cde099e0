#!/usr/bin/env python3
"""Read a thing's current values from xmpp-iot-gateway by XEP-0323, with slixmpp's own XEP-0323 plugin.

Debian / Raspberry Pi OS: apt-get install python3-slixmpp
Usage: readout.py JID GATEWAY_FULL_JID [THING ...]   (password from the XMPP_PASSWORD environment variable)
  e.g. readout.py bob@example.org gateway@example.org/gateway greenhouse
Prints one line per value: THING NAME VALUE [UNIT], then "done" (or "failure THING: reason").
Set XMPP_SERVER=host:port to skip DNS SRV, and XMPP_PLAIN=1 for a loopback test server without TLS.
"""
import asyncio
import os
import sys

import slixmpp


class Reader(slixmpp.ClientXMPP):
    def __init__(self, jid, password, gateway, things):
        super().__init__(jid, password)
        self.gateway, self.things = gateway, things
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0323")
        self.add_event_handler("session_start", self.start)

    async def start(self, _event):
        self.send_presence()
        self["xep_0323"].request_data(self.boundjid.full, self.gateway, self.on_result,
                                      nodeIds=self.things or None, flags={"momentary": "true"})

    def on_result(self, from_jid, result, nodeId=None, timestamp=None, fields=None, error_msg=None):
        if result == "fields":
            for f in fields:
                unit = f.get("unit")
                print(nodeId, f["name"], f["value"], unit if unit else "", flush=True)
        elif result == "done":
            print("done", flush=True)
            self.disconnect()
        elif result in ("failure", "rejected"):
            print("failure", "%s: %s" % (nodeId, error_msg), flush=True)
            self.disconnect()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    client = Reader(sys.argv[1], os.environ["XMPP_PASSWORD"], sys.argv[2], sys.argv[3:])
    address = ()
    if os.environ.get("XMPP_SERVER"):
        host, port = os.environ["XMPP_SERVER"].rsplit(":", 1)
        address = (host, int(port))
    plain = os.environ.get("XMPP_PLAIN") == "1"
    client.connect(address, force_starttls=not plain, disable_starttls=plain)
    asyncio.get_event_loop().run_until_complete(client.disconnected)


if __name__ == "__main__":
    main()
