"""Polls a Modbus TCP slave as fast as it answers, one request at a time, for the Modbus benchmark.

  poll.py HOST PORT UNIT ADDRESS COUNT SECONDS     prints the number of successful reads
"""
import sys
import time

from pymodbus.client import ModbusTcpClient


def main():
    host, port, unit, address, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
    client = ModbusTcpClient(host, port=port, timeout=2)
    client.connect()
    done = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r = client.read_input_registers(address, count, slave=unit)
        if not r.isError():
            done += 1
    client.close()
    print(done)


if __name__ == "__main__":
    main()
