package org.kubeedgejava.bench.devices;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A minimal Modbus TCP client for timing: reads one holding register (function 3) over one kept
 * connection, so a poll costs one loopback round trip and no process start. Written from the Modbus
 * Application Protocol specification (MBAP header + PDU); shares no code with the mapper, which
 * uses a Modbus library. Not thread-safe.
 */
final class ModbusProbe implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final int unit;
  private int transaction;

  ModbusProbe(String host, int port, int unit) throws IOException {
    this.socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(3000);
    socket.connect(new InetSocketAddress(host, port), 3000);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.unit = unit;
  }

  /** Holding register {@code address} (zero-based) as a signed 16-bit value. */
  int readHolding(int address) throws IOException {
    int tid = (transaction = (transaction + 1) & 0xFFFF);
    byte[] req = {
      (byte) (tid >> 8),
      (byte) tid,
      0,
      0, // protocol id
      0,
      6, // length: unit + PDU
      (byte) unit,
      3, // read holding registers
      (byte) (address >> 8),
      (byte) address,
      0,
      1 // quantity
    };
    out.write(req);
    out.flush();
    byte[] header = new byte[7];
    in.readFully(header);
    int length = ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
    byte[] pdu = new byte[length - 1];
    in.readFully(pdu);
    int rtid = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
    if (rtid != tid) {
      throw new IOException("Modbus answer for transaction " + rtid + ", expected " + tid);
    }
    if ((pdu[0] & 0x80) != 0) {
      throw new IOException("Modbus exception " + (pdu[1] & 0xFF));
    }
    if (pdu.length < 4 || pdu[1] != 2) {
      throw new IOException("unexpected Modbus answer of " + pdu.length + " bytes");
    }
    return (short) (((pdu[2] & 0xFF) << 8) | (pdu[3] & 0xFF));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
