/** Declarative rules and stock device profiles that turn frames from drivers into typed readings. */
package org.xmppiot.mappings;
