/**
 * What features and the gateway agree on, so that no feature imports another: a feature implements these and the
 * gateway wires the implementations to whoever needs them.
 */
package org.xmppiot.gateway.feature;
