package org.xmppiot.drivers.ble;

import java.util.Map;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.Variant;

/** BlueZ's adapter interface, the part a passive scanner calls (BlueZ doc/org.bluez.Adapter.rst). */
@DBusInterfaceName("org.bluez.Adapter1")
public interface Adapter1 extends DBusInterface {

    void SetDiscoveryFilter(Map<String, Variant<?>> filter);

    void StartDiscovery();

    void StopDiscovery();
}
