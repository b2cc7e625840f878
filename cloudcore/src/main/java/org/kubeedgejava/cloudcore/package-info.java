/**
 * cloudcore: the cloud half of kubeedge-java, run next to a kube-apiserver. Its modules (CloudHub,
 * EdgeController, DeviceController, SyncController) arrive with the tunnel, workload and device
 * issues; see docs/ARCHITECTURE.md for the plan and the message flow.
 */
package org.kubeedgejava.cloudcore;
