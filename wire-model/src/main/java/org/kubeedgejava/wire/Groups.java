package org.kubeedgejava.wire;

/** Module groups named in {@link Route#group()}. */
public final class Groups {
  private Groups() {}

  /** Kubernetes objects (pods, configmaps, secrets, nodes, leases ...). */
  public static final String RESOURCE = "resource";

  public static final String TWIN = "twin";
  public static final String USER = "user";
  public static final String FUNC = "func";
  public static final String META = "meta";
  public static final String HUB = "hub";
  public static final String BUS = "bus";
  public static final String EDGE_CONTROLLER = "edgecontroller";
  public static final String DEVICE_CONTROLLER = "devicecontroller";
  public static final String TASK_MANAGER = "taskmanager";
  public static final String CLOUD_HUB = "cloudhub";
}
