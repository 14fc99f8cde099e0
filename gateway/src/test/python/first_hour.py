#!/usr/bin/env python3
"""The owner's first hour as a phone app lives it, on another XMPP library than the gateway's (slixmpp): create the
account with the owner's invite the gateway showed (XEP-0401 token, then in-band registration), find the gateway in
the roster, wait for its greeting, read a sensor by chat and by XEP-0323, subscribe to its node and print one item.
One line per step; exit code 0 only when every step was done.

Usage: first_hour.py INVITE USERNAME PASSWORD HOST:PORT CA_FILE THING PUBSUB_SERVICE NODE
"""
import asyncio
import logging
import re
import sys
from urllib.parse import unquote

import slixmpp
from slixmpp.xmlstream import ET

WAIT = 60


class Owner(slixmpp.ClientXMPP):
    def __init__(self, invite, user, password, thing, service, node):
        m = re.match(r"xmpp:([^?]+)\?roster;preauth=([^;]+)", invite)
        if not m:
            sys.exit("not an owner's invite: " + invite)
        self.gateway, self.token = unquote(m.group(1)), m.group(2)
        super().__init__(user + "@" + self.gateway.split("@")[1], password)
        self.thing, self.service, self.node = thing, service, node
        for plugin in ("xep_0030", "xep_0004", "xep_0060", "xep_0077", "xep_0323"):
            self.register_plugin(plugin)
        self["xep_0077"].force_registration = True
        # slixmpp 1.8 holds back every stanza before the session starts, registration's own IQs too (it logs
        # "NOT SENT"); registering is what has to happen before it.
        self._always_send_everything = True
        self.messages, self.items = asyncio.Queue(), asyncio.Queue()
        self.ok = False
        self.add_event_handler("register", self.on_register)
        self.add_event_handler("session_start", self.on_session)
        self.add_event_handler("message", lambda m: m["body"] and self.messages.put_nowait(m["body"]))
        self.add_event_handler("pubsub_publish", lambda m: self.items.put_nowait(m["pubsub_event"]["items"]["item"]))

    async def on_register(self, _form):
        preauth = self.Iq()
        preauth["type"], preauth["to"] = "set", self.boundjid.domain
        preauth.xml.append(ET.fromstring("<preauth xmlns='urn:xmpp:pars:0' token='%s'/>" % self.token))
        await preauth.send(timeout=WAIT)
        register = self.Iq()
        register["type"] = "set"
        register["register"]["username"] = self.boundjid.user
        register["register"]["password"] = self.password
        await register.send(timeout=WAIT)
        print("registered", self.boundjid.bare, flush=True)

    async def message_with(self, words):
        while True:
            body = await asyncio.wait_for(self.messages.get(), WAIT)
            if words in body:
                return body

    async def on_session(self, _event):
        try:
            self.send_presence()
            await self.get_roster()
            print("roster", self.gateway, self.client_roster[self.gateway]["subscription"], flush=True)
            print("greeting", await self.message_with("Hello, I am"), flush=True)
            self.send_message(mto=self.gateway, mbody="read " + self.thing, mtype="chat")
            print("chat", (await self.message_with("temperature")).replace("\n", " | "), flush=True)
            await self.read_out()
            await self["xep_0060"].subscribe(self.service, self.node, timeout=WAIT)
            item = await asyncio.wait_for(self.items.get(), WAIT)
            print("item", self.node, item["id"], flush=True)
            self.ok = True
        finally:
            self.disconnect()

    async def read_out(self):
        done = asyncio.get_running_loop().create_future()

        def on_result(from_jid, result, nodeId=None, timestamp=None, fields=None, error_msg=None):
            if result == "fields":
                for f in fields:
                    print("readout", nodeId, f["name"], f["value"], f.get("unit") or "", flush=True)
            elif result == "done" and not done.done():
                done.set_result(True)
            elif result in ("failure", "rejected") and not done.done():
                done.set_exception(RuntimeError("read-out %s: %s" % (result, error_msg)))

        self["xep_0323"].request_data(self.boundjid.full, self.gateway + "/gateway", on_result,
                                      nodeIds=[self.thing], flags={"momentary": "true"})
        await asyncio.wait_for(done, WAIT)


def main():
    if len(sys.argv) != 9:
        sys.exit(__doc__)
    invite, user, password, address, ca_file, thing, service, node = sys.argv[1:]
    owner = Owner(invite, user, password, thing, service, node)
    owner.ca_certs = ca_file
    host, port = address.rsplit(":", 1)
    # slixmpp's own log goes to stderr, for whoever reads why a step did not happen.
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    for failure in ("failed_auth", "connection_failed", "session_end"):
        owner.add_event_handler(failure, lambda *_args, what=failure: print(what, file=sys.stderr, flush=True))
    owner.connect((host, int(port)), force_starttls=True)
    loop = asyncio.get_event_loop()
    try:
        loop.run_until_complete(asyncio.wait_for(owner.disconnected, 3 * WAIT))
    except asyncio.TimeoutError:
        print("gave up after %d s" % (3 * WAIT), file=sys.stderr, flush=True)
    sys.exit(0 if owner.ok else 1)


if __name__ == "__main__":
    main()
