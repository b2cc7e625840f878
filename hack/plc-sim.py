#!/usr/bin/python3
"""A simulated PLC for the quickstart: a Modbus TCP server from pymodbus (Debian's
python3-pymodbus), an independent peer that shares no code with kubeedge-java's mapper.

    hack/plc-sim.py [--host 127.0.0.1] [--port 5020] [--unit 1] [--set 100=734 ...]

Holding registers, input registers, coils and discrete inputs 0..999 of unit --unit start
at 0; each --set ADDR=VALUE preloads a holding register (zero-based address, as Modbus
PDUs carry it). It serves until killed.
"""
import argparse
import logging

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server import StartTcpServer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5020)
    parser.add_argument("--unit", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="ADDR=VALUE")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    def block():
        return ModbusSequentialDataBlock(0, [0] * 1000)

    slave = ModbusSlaveContext(di=block(), co=block(), hr=block(), ir=block(), zero_mode=True)
    for item in args.set:
        address, value = item.split("=", 1)
        slave.setValues(3, int(address), [int(value)])
    context = ModbusServerContext(slaves={args.unit: slave}, single=False)
    print(f"plc-sim: Modbus TCP on {args.host}:{args.port}, unit {args.unit}", flush=True)
    StartTcpServer(context=context, address=(args.host, args.port))


if __name__ == "__main__":
    main()
