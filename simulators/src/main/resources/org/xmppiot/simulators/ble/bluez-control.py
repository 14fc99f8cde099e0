"""Drives the BlueZ that python3-dbusmock's bluez5 template plays, for tests: adapters and devices come and go,
devices advertise service or manufacturer data.

  bluez-control.py BUS_ADDRESS add-adapter NAME
  bluez-control.py BUS_ADDRESS remove-adapter NAME
  bluez-control.py BUS_ADDRESS add-device ADAPTER MAC ALIAS
  bluez-control.py BUS_ADDRESS advertise ADAPTER MAC RSSI service UUID16 HEX
  bluez-control.py BUS_ADDRESS advertise ADAPTER MAC RSSI manufacturer COMPANY HEX
  bluez-control.py BUS_ADDRESS flood ADAPTER COUNT UUID16 HEX      (COUNT strangers appear and advertise)
"""
import sys

import dbus


def main():
    bus = dbus.bus.BusConnection(sys.argv[1])
    command, args = sys.argv[2], sys.argv[3:]
    mock = dbus.Interface(bus.get_object('org.bluez', '/'), 'org.bluez.Mock')
    if command == 'add-adapter':
        print(mock.AddAdapter(args[0], 'gateway'))
    elif command == 'remove-adapter':
        mock.RemoveAdapterWithDevices(args[0])  # as an unplugged dongle: its devices go with it
    elif command == 'add-device':
        print(mock.AddDevice(args[0], args[1], args[2]))
    elif command == 'advertise':
        adapter, mac, rssi, kind, key, data = args
        path = '/org/bluez/%s/dev_%s' % (adapter, mac.replace(':', '_'))
        # Properties.Set stores the value and emits PropertiesChanged, as BlueZ does for a new advertisement.
        device = dbus.Interface(bus.get_object('org.bluez', path), 'org.freedesktop.DBus.Properties')
        payload = dbus.Array(bytearray.fromhex(data), signature='y', variant_level=1)
        device.Set('org.bluez.Device1', 'RSSI', dbus.Int16(int(rssi), variant_level=1))
        if kind == 'service':
            uuid = '0000%04x-0000-1000-8000-00805f9b34fb' % int(key, 16)
            device.Set('org.bluez.Device1', 'ServiceData', dbus.Dictionary({uuid: payload}, signature='sv', variant_level=1))
        else:
            device.Set('org.bluez.Device1', 'ManufacturerData',
                       dbus.Dictionary({dbus.UInt16(int(key, 16)): payload}, signature='qv', variant_level=1))
    elif command == 'flood':
        adapter, count, key, data = args
        uuid = '0000%04x-0000-1000-8000-00805f9b34fb' % int(key, 16)
        for i in range(int(count)):
            mac = 'F0:00:00:%02X:%02X:%02X' % ((i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)
            path = mock.AddDevice(adapter, mac, 'stranger')
            device = dbus.Interface(bus.get_object('org.bluez', path), 'org.freedesktop.DBus.Properties')
            device.Set('org.bluez.Device1', 'ServiceData',
                       dbus.Dictionary({uuid: dbus.Array(bytearray.fromhex(data), signature='y', variant_level=1)}, signature='sv', variant_level=1))
    else:
        sys.exit('unknown command ' + command)


if __name__ == '__main__':
    main()
