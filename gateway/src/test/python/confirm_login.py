#!/usr/bin/env python3
"""An owner's XMPP app, on another library than the gateway's (slixmpp and its XEP-0070 plugin), asked to confirm a
login to the gateway's page. It shares presence with the gateway, prints "ready", then for each request it gets prints
"confirm ID via iq|message" and accepts it, denies it, or leaves it unanswered (MODE accept, deny, ignore).
Runs until stopped. Usage: confirm_login.py JID PASSWORD HOST:PORT GATEWAY_BARE_JID MODE
"""
import asyncio
import sys

import slixmpp


class App(slixmpp.ClientXMPP):
    def __init__(self, jid, password, gateway, mode):
        super().__init__(jid, password)
        self.gateway, self.mode = gateway, mode
        for plugin in ("xep_0030", "xep_0070"):
            self.register_plugin(plugin)
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("http_confirm_iq", self.on_iq)
        self.add_event_handler("http_confirm_message", self.on_message)

    async def start(self, _event):
        self.send_presence()
        await self.get_roster()
        self.send_presence_subscription(pto=self.gateway)
        # Ready once the gateway shares presence both ways (it asks back and this app approves automatically).
        for _ in range(300):
            item = self.client_roster[self.gateway]
            if item["subscription"] == "both":
                break
            await asyncio.sleep(0.1)
        self.send_presence()
        await asyncio.sleep(1)
        print("ready", self.client_roster[self.gateway]["subscription"], flush=True)

    def on_iq(self, iq):
        print("confirm", iq["confirm"]["id"], "via iq", flush=True)
        if self.mode == "accept":
            iq.reply().send()
        elif self.mode == "deny":
            reply = iq.reply()
            reply["type"] = "error"
            reply["error"]["condition"] = "not-authorized"
            reply["error"]["type"] = "auth"
            reply.send()

    def on_message(self, msg):
        print("confirm", msg["confirm"]["id"], "via message", flush=True)
        if self.mode in ("accept", "deny"):
            reply = self.make_message(mto=msg["from"], mtype="error" if self.mode == "deny" else "normal")
            reply["thread"] = msg["thread"]
            reply["confirm"]["id"] = msg["confirm"]["id"]
            reply["confirm"]["method"] = msg["confirm"]["method"]
            reply["confirm"]["url"] = msg["confirm"]["url"]
            reply.send()


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    jid, password, address, gateway, mode = sys.argv[1:]
    app = App(jid, password, gateway, mode)
    host, port = address.rsplit(":", 1)
    app.connect((host, int(port)), disable_starttls=True)
    asyncio.get_event_loop().run_until_complete(app.disconnected)


if __name__ == "__main__":
    main()
