package org.kubeedgejava.wire;

/** The {@code <resType>} token of resource strings. */
public final class ResourceTypes {
  private ResourceTypes() {}

  public static final String POD = "pod";
  public static final String POD_LIST = "podlist";
  public static final String POD_STATUS = "podstatus";
  public static final String POD_PATCH = "podpatch";
  public static final String NODE = "node";
  public static final String NODE_STATUS = "nodestatus";
  public static final String NODE_PATCH = "nodepatch";
  public static final String CONFIGMAP = "configmap";
  public static final String SECRET = "secret";
  public static final String SERVICE_ACCOUNT_TOKEN = "serviceaccounttoken";
  public static final String EVENT = "event";
  public static final String LEASE = "lease";
  public static final String DEVICE = "device";
  public static final String DEVICE_MODEL = "devicemodel";
  public static final String MEMBERSHIP = "membership";
  public static final String CA_CERT = "k8s/ca.crt";
}
