"""A Modbus slave on pymodbus, an implementation independent of the gateway's, for tests and the benchmark.

  pymodbus-slave.py --rtu PATH [--baud 9600] | --tcp PORT
                    [--unit N]... [--holding ADDR=W,W...]... [--input ADDR=W,W...]... [--input-float ADDR=VALUE]...
                    [--coil ADDR=0|1]...
Every unit holds the same registers. Addresses are protocol addresses (zero mode). Prints "ready" when serving.
"""
import argparse
import struct
import sys
import threading

from pymodbus.datastore import ModbusServerContext, ModbusSequentialDataBlock, ModbusSlaveContext
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer


def pairs(values):
    out = []
    for item in values or []:
        address, _, rest = item.partition("=")
        out.append((int(address, 0), rest))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rtu")
    parser.add_argument("--tcp", type=int)
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--unit", type=int, action="append")
    parser.add_argument("--holding", action="append")
    parser.add_argument("--input", action="append")
    parser.add_argument("--input-float", action="append")
    parser.add_argument("--coil", action="append")
    args = parser.parse_args()

    holding = [0] * 1000
    inputs = [0] * 1000
    coils = [False] * 1000
    for address, words in pairs(args.holding):
        for i, w in enumerate(words.split(",")):
            holding[address + i] = int(w, 0) & 0xFFFF
    for address, words in pairs(args.input):
        for i, w in enumerate(words.split(",")):
            inputs[address + i] = int(w, 0) & 0xFFFF
    for address, value in pairs(args.input_float):
        high, low = struct.unpack(">HH", struct.pack(">f", float(value)))
        inputs[address] = high
        inputs[address + 1] = low
    for address, value in pairs(args.coil):
        coils[address] = value == "1"

    def context():
        return ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, list(holding)), ir=ModbusSequentialDataBlock(0, list(inputs)),
                                  co=ModbusSequentialDataBlock(0, list(coils)), di=ModbusSequentialDataBlock(0, [False] * 1000),
                                  zero_mode=True)

    server_context = ModbusServerContext(slaves={unit: context() for unit in (args.unit or [1])}, single=False)
    threading.Timer(0.5, lambda: print("ready", flush=True)).start()
    if args.rtu:
        StartSerialServer(context=server_context, framer=ModbusRtuFramer, port=args.rtu, baudrate=args.baud,
                          ignore_missing_slaves=True)
    else:
        StartTcpServer(context=server_context, framer=ModbusSocketFramer, address=("127.0.0.1", args.tcp),
                       ignore_missing_slaves=True)


if __name__ == "__main__":
    sys.exit(main())
