package org.kubeedgejava.cloudcore.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.ResourcePath;
import org.kubeedgejava.wire.Route;

/** Builds the downstream message for a Kubernetes object, as KubeEdge's controllers do. */
public final class ObjectMessages {
  private static final ObjectMapper JSON = KubeJson.MAPPER;

  private ObjectMessages() {}

  /** The edge resource path of {@code object}: {@code <ns or null>/<lowercase kind>/<name>}. */
  public static ResourcePath pathOf(HasMetadata object) {
    String ns = object.getMetadata().getNamespace();
    return new ResourcePath(
        ns == null || ns.isEmpty() ? ResourcePath.CLUSTER_SCOPED : ns,
        object.getKind().toLowerCase(Locale.ROOT),
        object.getMetadata().getName());
  }

  public static ObjectRef refOf(HasMetadata object) {
    return new ObjectRef(
        object.getApiVersion(), object.getKind(), pathOf(object), object.getMetadata().getUid());
  }

  /**
   * An {@code operation} ({@code insert}, {@code update}, {@code delete}) message from {@code
   * source} carrying {@code object} to {@code node}, with its resourceVersion in the header.
   */
  public static Message forObject(
      Clock clock, String source, String node, String operation, HasMetadata object) {
    JsonNode content = JSON.valueToTree(object);
    String rv = object.getMetadata().getResourceVersion();
    return Message.create(
            clock,
            new Route(source, "", Groups.RESOURCE, operation, pathOf(object).inCloud(node)),
            content)
        .withResourceVersion(rv == null ? "" : rv);
  }

  /** A delete message for an object that no longer exists: only its identity is known. */
  public static Message deletion(Clock clock, String source, String node, ObjectRef ref) {
    Map<String, Object> meta =
        ref.path().isClusterScoped()
            ? Map.of("name", ref.path().name(), "uid", ref.uid())
            : Map.of(
                "name", ref.path().name(), "namespace", ref.path().namespace(), "uid", ref.uid());
    JsonNode content =
        JSON.valueToTree(
            Map.of("apiVersion", ref.apiVersion(), "kind", ref.kind(), "metadata", meta));
    return Message.create(
        clock, new Route(source, "", Groups.RESOURCE, "delete", ref.path().inCloud(node)), content);
  }
}
