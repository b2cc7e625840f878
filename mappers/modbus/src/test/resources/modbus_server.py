"""A Modbus TCP server for ModbusMapperIT: the independent peer the mapper talks to.

Usage: /usr/bin/python3 modbus_server.py PORT   (Debian's python3-pymodbus 3.0)

Unit 1, zero-based addresses 0..199 in every table; holding register 100 holds 734 (73.4 at
scale 0.1), coil 3 is on. Any address past 199 answers exception 2 (illegal data address).
"""
import logging
import sys

from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
)
from pymodbus.server import StartTcpServer

SIZE = 200


def main():
    port = int(sys.argv[1])
    holding = [0] * SIZE
    holding[100] = 734
    coils = [False] * SIZE
    coils[3] = True
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [False] * SIZE),
        co=ModbusSequentialDataBlock(0, coils),
        hr=ModbusSequentialDataBlock(0, holding),
        ir=ModbusSequentialDataBlock(0, [0] * SIZE),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves=slave, single=True)
    logging.basicConfig(level=logging.WARNING)
    print(f"modbus server on 127.0.0.1:{port}", flush=True)
    # reuse the address: the test restarts the server on the port its predecessor died on
    StartTcpServer(context=context, address=("127.0.0.1", port), allow_reuse_address=True)


if __name__ == "__main__":
    main()
