package org.kubeedgejava.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension behind {@link ControlPlaneTest}: makes sure the shared control plane runs, gives
 * each test class one admin client, and each test that asks for one a fresh namespace, deleted
 * (with everything in it) when the test ends, so tests never see each other's objects.
 */
final class ControlPlaneExtension
    implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
  private static final Namespace STORE = Namespace.create(ControlPlaneExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    LocalControlPlane plane = LocalControlPlane.shared();
    context.getStore(STORE).put("plane", plane);
    context.getStore(STORE).put("client", new ClosableClient(plane.newClient()));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace namespace = context.getStore(STORE).remove("namespace", TestNamespace.class);
    if (namespace != null) {
      client(context).namespaces().withName(namespace.name()).delete();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class
        || type == TestNamespace.class
        || type == LocalControlPlane.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == KubernetesClient.class) {
      return client(context);
    }
    if (type == LocalControlPlane.class) {
      return LocalControlPlane.shared();
    }
    return context
        .getStore(STORE)
        .computeIfAbsent("namespace", k -> createNamespace(context), TestNamespace.class);
  }

  private static KubernetesClient client(ExtensionContext context) {
    return context.getStore(STORE).get("client", ClosableClient.class).client();
  }

  private static TestNamespace createNamespace(ExtensionContext context) {
    String base =
        context
            .getRequiredTestMethod()
            .getName()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    String name =
        "t-"
            + base
            + "-"
            + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
    client(context)
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubeedge-java.test", "true")
                .endMetadata()
                .build())
        .create();
    // pods are admitted only once the service-account controller made the default account
    client(context)
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(java.util.Objects::nonNull, 30, java.util.concurrent.TimeUnit.SECONDS);
    return new TestNamespace(name);
  }

  /** Closes the client when JUnit closes the test class's store. */
  private record ClosableClient(KubernetesClient client) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }
}
