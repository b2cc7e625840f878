/**
 * The Device Management Interface (DMI v1beta1) between edgecore and mappers: generated gRPC stubs
 * in {@code org.kubeedgejava.dmi.v1beta1} (wire-compatible with KubeEdge's), {@link
 * org.kubeedgejava.dmi.UnixSocketGrpc} for the Unix-socket transport, and {@link
 * org.kubeedgejava.dmi.CustomizedValues} for protocol {@code configData}. Used by edgecore (server
 * of DeviceManagerService, client of DeviceMapperService) and by the mapper SDK (the reverse).
 */
package org.kubeedgejava.dmi;
