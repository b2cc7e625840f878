package org.kubeedgejava.mapper.modbus;

/** The four Modbus data tables, named as upstream's visitor {@code register} field names them. */
enum RegisterType {
  COIL("CoilRegister", true, true),
  DISCRETE_INPUT("DiscreteInputRegister", true, false),
  HOLDING("HoldingRegister", false, true),
  INPUT("InputRegister", false, false);

  final String wire;
  final boolean bits;
  final boolean writable;

  RegisterType(String wire, boolean bits, boolean writable) {
    this.wire = wire;
    this.bits = bits;
    this.writable = writable;
  }

  static RegisterType parse(String text) {
    for (RegisterType t : values()) {
      if (t.wire.equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "modbus visitor: register '"
            + text
            + "' is not CoilRegister, DiscreteInputRegister, HoldingRegister or InputRegister");
  }
}
