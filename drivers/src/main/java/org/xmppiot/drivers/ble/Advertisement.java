package org.xmppiot.drivers.ble;

import java.util.Map;

/**
 * What one Bluetooth LE advertisement of a device carried, as BlueZ reports it: the device's address, the signal
 * strength, service data by 16-bit UUID ({@code 0xfcd2} for BTHome, {@code 0x181a} for the ATC/pvvx formats) and
 * manufacturer data by company id ({@code 0x0499} for Ruuvi).
 */
record Advertisement(String mac, Integer rssi, Map<Integer, byte[]> serviceData, Map<Integer, byte[]> manufacturerData) {

    Advertisement {
        serviceData = Map.copyOf(serviceData);
        manufacturerData = Map.copyOf(manufacturerData);
    }
}
