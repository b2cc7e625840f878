"""A Modbus RTU server for ModbusRtuIT: the independent peer the mapper talks to over a serial line.

Usage: /usr/bin/python3 modbus_rtu_server.py PORT   (Debian's python3-pymodbus 3.0, python3-serial,
python3-serial-asyncio)

PORT is a serial device, in the test one end of a socat PTY pair; 9600 baud, 8N1. Unit 1,
zero-based addresses 0..199 in every table; holding register 100 holds 734 (73.4 at scale 0.1).
Prints "serving PORT" once the port is open, and "holding ADDRESS = VALUE" for every holding
register a client writes, so the test sees what reached the register without a second client.
"""
import asyncio
import sys

from pymodbus.datastore import (
    ModbusSequentialDataBlock,
    ModbusServerContext,
    ModbusSlaveContext,
)
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer

SIZE = 200


class LoggedBlock(ModbusSequentialDataBlock):
    """A data block that prints every write to it."""

    def __init__(self, name, address, values):
        super().__init__(address, values)
        self.name = name

    def setValues(self, address, values):  # pylint: disable=invalid-name
        super().setValues(address, values)
        written = values if isinstance(values, list) else [values]
        for i, value in enumerate(written):
            print(f"{self.name} {address + i} = {value}", flush=True)


async def serve(port):
    holding = [0] * SIZE
    holding[100] = 734
    slave = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [False] * SIZE),
        co=ModbusSequentialDataBlock(0, [False] * SIZE),
        hr=LoggedBlock("holding", 0, holding),
        ir=ModbusSequentialDataBlock(0, [0] * SIZE),
        zero_mode=True,
    )
    # StartSerialServer's own start gives no sign that the port opened (pymodbus 3.0 logs a
    # failure at debug level and serves nothing): start deferred, check, then say so.
    server = await StartAsyncSerialServer(
        context=ModbusServerContext(slaves=slave, single=True),
        framer=ModbusRtuFramer,  # StartAsyncSerialServer's default is the ASCII framer
        port=port,
        baudrate=9600,
        bytesize=8,
        parity="N",
        stopbits=1,
        defer_start=True,
    )
    await server.start()
    if server.transport is None:
        print(f"cannot open {port}", flush=True)
        sys.exit(1)
    print(f"serving {port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
