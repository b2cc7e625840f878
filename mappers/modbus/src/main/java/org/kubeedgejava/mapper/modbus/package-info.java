/**
 * The Modbus mapper: {@link org.kubeedgejava.mapper.modbus.ModbusDrivers} (protocol {@code modbus})
 * on digitalpetri's Modbus client, TCP and RTU, with configData read as upstream's KubeEdge Modbus
 * mapper reads it; {@link org.kubeedgejava.mapper.modbus.ModbusMapperMain} runs it.
 */
package org.kubeedgejava.mapper.modbus;
