/**
 * The DeviceController: sends Devices and DeviceModels to the edge nodes that need them (reliable
 * delivery, plus the membership hint), and writes what edges report about their devices into {@code
 * Device.status}, coalesced per device. See {@code docs/devices.md}.
 */
package org.kubeedgejava.cloudcore.devicecontroller;
