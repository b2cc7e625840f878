/**
 * The mapper SDK: everything a KubeEdge mapper does that is not its protocol.
 *
 * <p>A protocol adapter implements {@link org.kubeedgejava.mapper.DriverFactory} (validate a
 * device's configuration, make a {@link org.kubeedgejava.mapper.DeviceDriver}) and hands it to
 * {@link org.kubeedgejava.mapper.Mapper#start}. The SDK registers with edgecore over DMI, serves
 * {@code DeviceMapperService} on the mapper's own Unix socket, runs each device's collect and
 * report cycles, converts values by the DeviceModel's property type, writes desired values, and
 * reconnects failed devices with back-off. See docs/devices.md for the contract with edgecore.
 */
package org.kubeedgejava.mapper;
