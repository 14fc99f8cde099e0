/** Advertises the gateway by mDNS / DNS-SD and finds smart objects on the local network. */
package org.xmppiot.discovery;
