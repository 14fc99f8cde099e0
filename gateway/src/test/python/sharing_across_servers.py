#!/usr/bin/env python3
"""Sharing a thing with people on another server, played by independent clients (slixmpp) on two federated servers:
the owner on the gateway's own server, strangers on the other one. One line per step ("ok ..."); exit code 0 only when
every step was done, otherwise the line that failed.

  bob     asks by chat, the owner allows by chat: bob subscribes to the thing's node (over s2s) and gets items, reads
          it by XEP-0323 and by chat, sees no other thing; the owner revokes: bob's subscription ends, read-outs are
          refused, a new subscription is refused.
  carol   asks with the ad-hoc command, the owner denies: carol reads nothing and may not subscribe.
  spam-N  a hundred requests from one domain: the owner gets at most a few messages.

Usage: sharing_across_servers.py HOME_ADDRESS AWAY_ADDRESS CA_FILE GATEWAY_FULL_JID PUBSUB_SERVICE NODE THING OTHER_THING
       SPAMMERS
Passwords are "pw-" and the user name.
"""
import asyncio
import re
import sys

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

WAIT = 60
SD = "urn:xmpp:iot:sensordata"
HOME, AWAY, CA, GATEWAY, SERVICE, NODE, THING, OTHER, SPAMMERS = sys.argv[1:10]
GATEWAY_BARE = GATEWAY.split("/")[0]
MOST_FORWARDED = 5


def ok(text):
    print("ok " + text, flush=True)


def fail(text):
    print("FAILED " + text, flush=True)
    raise SystemExit(1)


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, address):
        super().__init__(jid, "pw-" + jid.split("@")[0])
        self.address = address
        self.ca_certs = CA
        for plugin in ("xep_0030", "xep_0004", "xep_0060"):
            self.register_plugin(plugin)
        self.chats, self.items, self.fields = asyncio.Queue(), asyncio.Queue(), asyncio.Queue()
        self.ready = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_session)
        self.add_event_handler("failed_auth", lambda _: self.ready.done() or self.ready.set_exception(RuntimeError("auth failed")))
        self.add_event_handler("message", self.on_message)
        # The "message" event is for messages with a body; read-out answers have none.
        self.register_handler(Callback("read-out fields", MatchXPath("{jabber:client}message/{%s}fields" % SD),
                                       self.fields.put_nowait))
        self.add_event_handler("pubsub_publish", lambda m: self.items.put_nowait(m["pubsub_event"]["items"]["node"]))
        self.seqnr = 0

    async def on_session(self, _event):
        self.send_presence()
        if not self.ready.done():
            self.ready.set_result(True)

    def on_message(self, m):
        if m["body"] and m["from"].bare == GATEWAY_BARE:
            self.chats.put_nowait(m["body"])

    async def start(self):
        self.connect(address=(self.address, 5222))
        await asyncio.wait_for(self.ready, WAIT)
        return self

    async def chat_until(self, words):
        """The next chat message from the gateway that contains words; others are skipped."""
        while True:
            try:
                body = await asyncio.wait_for(self.chats.get(), WAIT)
            except asyncio.TimeoutError:
                fail("%s waited %d s for a message with %r" % (self.boundjid.bare, WAIT, words))
            if words in body:
                return body

    async def say(self, text, answer_with):
        self.send_message(mto=GATEWAY_BARE, mbody=text, mtype="chat")
        return await self.chat_until(answer_with)

    async def read_out(self, thing):
        """'accepted' with the fields message seen, or the error condition of the refusal."""
        self.seqnr += 1
        iq = self.make_iq_get(ito=GATEWAY)
        iq.xml.append(ET.fromstring("<req xmlns='%s' seqnr='%d' momentary='true'><node nodeId='%s'/></req>" % (SD, self.seqnr, thing)))
        try:
            await iq.send(timeout=WAIT)
        except IqError as e:
            return e.iq["error"]["condition"]
        message = await asyncio.wait_for(self.fields.get(), WAIT)
        node = message.xml.find("{%s}fields/{%s}node" % (SD, SD))
        if node is None or node.get("nodeId") != thing:
            fail("read-out of %s answered with %s" % (thing, message))
        return "accepted"

    async def subscribe(self):
        """'subscribed', or the error condition of the refusal."""
        try:
            await self["xep_0060"].subscribe(SERVICE, NODE, timeout=WAIT)
            return "subscribed"
        except IqError as e:
            return e.iq["error"]["condition"]

    async def subscriptions(self):
        answer = await self["xep_0060"].get_subscriptions(SERVICE, NODE, timeout=WAIT)
        return [s["subscription"] for s in answer["pubsub"]["subscriptions"]
                if s["subscription"] not in ("none", "")]


async def owner_is_asked(alice, who):
    body = await alice.chat_until(who + " asks to read")
    m = re.search(r"Reply: allow (\d+) / deny \1", body)
    if not m or THING not in body:
        fail("the owner's message names no request number: " + body)
    return m.group(1)


async def approved_reader(alice, bob):
    if await bob.read_out(THING) != "forbidden":
        fail("a stranger's read-out was not refused")
    if await bob.subscribe() == "subscribed":
        fail("a stranger subscribed to the node")
    answer = await bob.say("read " + THING, "not allowed")
    if "request <thing>" not in answer:
        fail("a stranger is not told how to ask: " + answer)
    ok("a stranger on the other server reads nothing, may not subscribe, and is told how to ask")

    await bob.say("request " + THING, "Asked the gateway's owners")
    number = await owner_is_asked(alice, "bob@away.test")
    ok("the owner is asked by chat: request " + number)
    await alice.say("allow " + number, "Allowed: bob@away.test reads " + THING)
    told = await bob.chat_until("The owners allowed you to read " + THING)
    if NODE not in told:
        fail("the requester is not told where the node is: " + told)
    if await bob.subscriptions():
        fail("the gateway subscribed the requester without asking")
    ok("the requester is told (%s) and subscribed to nothing" % told)

    if await bob.subscribe() != "subscribed":
        fail("the allowed reader may not subscribe")
    node = await asyncio.wait_for(bob.items.get(), WAIT)
    ok("the remote reader subscribed over s2s and got an item of " + node)
    if await bob.read_out(THING) != "accepted":
        fail("the allowed reader's read-out was refused")
    if await bob.read_out(OTHER) != "item-not-found":
        fail("the allowed reader could read another thing")
    await bob.say("read " + THING, THING)
    listed = await bob.say("list", "Things:")
    if OTHER in listed:
        fail("the reader of one thing sees another: " + listed)
    ok("the remote reader reads it by XEP-0323 and chat, and sees no other thing")

    await alice.say("revoke bob@away.test", "Revoked: bob@away.test no longer reads " + THING)
    for _ in range(WAIT):
        if not await bob.subscriptions():
            break
        await asyncio.sleep(1)
    else:
        fail("the revoked reader's subscription did not end")
    if await bob.read_out(THING) != "forbidden":
        fail("the revoked reader's read-out was not refused")
    if await bob.subscribe() == "subscribed":
        fail("the revoked reader subscribed again")
    ok("revoked: the subscription ended, read-outs and new subscriptions are refused")


async def denied_requester(alice, carol):
    command = carol.make_iq_set(ito=GATEWAY)
    command.xml.append(ET.fromstring(
        "<command xmlns='http://jabber.org/protocol/commands' node='request' action='execute'>"
        "<x xmlns='jabber:x:data' type='submit'><field var='requested-thing'><value>%s</value></field></x></command>" % THING))
    answer = await command.send(timeout=WAIT)
    note = answer.xml.find("{http://jabber.org/protocol/commands}command/{http://jabber.org/protocol/commands}note")
    if note is None or "Asked the gateway's owners" not in (note.text or ""):
        fail("the request command answered " + str(answer))
    number = await owner_is_asked(alice, "carol@away.test")
    ok("a request by ad-hoc command reaches the owner: request " + number)
    await alice.say("deny " + number, "Denied: carol@away.test")
    await carol.chat_until("declined")
    if await carol.read_out(THING) != "forbidden" or await carol.subscribe() == "subscribed":
        fail("the denied requester may read or subscribe")
    ok("denied: the requester is told and reads nothing")
    await carol.say("request no-such-thing", "Asked the gateway's owners")
    ok("a request for a thing that does not exist is answered like any other")


async def flood(alice, spammers):
    forwarded = 0
    answers = {"asked": 0, "waiting": 0, "limited": 0}

    async def one(spammer, n):
        thing = THING if n % 2 == 0 else OTHER
        # One at a time, as a bot would: a request each time the last was answered, no faster than the gateway
        # answers strangers (one a second), so that every request is answered.
        body = await spammer.say("request " + thing, ".")
        for key, words in (("asked", "Asked"), ("waiting", "with the owners already"), ("limited", "Too many")):
            if words in body:
                answers[key] += 1
        await asyncio.sleep(1.1)

    async def bot(spammer, count):
        for n in range(count):
            await one(spammer, n)

    per = 100 // len(spammers)
    await asyncio.gather(*(bot(s, per) for s in spammers))
    if sum(answers.values()) != per * len(spammers):
        fail("not every request was answered: %s" % answers)
    while not alice.chats.empty():
        if "asks to read" in alice.chats.get_nowait():
            forwarded += 1
    # The owner's server delivers the gateway's messages to the owner before the stranger's answer crosses s2s.
    if not 1 <= forwarded <= MOST_FORWARDED:
        fail("%d requests from one domain gave the owner %d messages: %s" % (per * len(spammers), forwarded, answers))
    ok("%d requests from one domain gave the owner %d messages (%s)" % (per * len(spammers), forwarded, answers))


async def main():
    alice = await Client("alice@home.test/phone", HOME).start()
    bob = await Client("bob@away.test/laptop", AWAY).start()
    carol = await Client("carol@away.test/laptop", AWAY).start()
    spammers = [await Client("spam%d@away.test/bot" % i, AWAY).start() for i in range(1, int(SPAMMERS) + 1)]
    ok("connected to both servers")
    try:
        await approved_reader(alice, bob)
        await denied_requester(alice, carol)
        await flood(alice, spammers)
    except (IqError, IqTimeout, asyncio.TimeoutError) as e:
        fail("no answer or an error: %r" % e)
    finally:
        for c in [alice, bob, carol] + spammers:
            c.disconnect()
    print("all steps done", flush=True)


asyncio.get_event_loop().run_until_complete(main())
