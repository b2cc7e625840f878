package org.kubeedgejava.cloudcore.admission;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the pod webhook with the API server: {@value #NAME}, calling {@code url} (cloudcore's
 * HTTPS endpoint) trusted through the KubeEdge CA, on pod CREATE, failurePolicy Ignore, 5 s
 * timeout, skipping kube-system and pods labelled {@code kubeedge-java.io/partition-policy=evict}.
 */
public final class WebhookRegistration {
  private static final Logger log = LoggerFactory.getLogger(WebhookRegistration.class);
  public static final String NAME = "kubeedge-java-partition-policy";

  private WebhookRegistration() {}

  public static void ensure(KubernetesClient kube, String caPem, String url) {
    MutatingWebhookConfiguration config =
        new MutatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName(NAME)
            .endMetadata()
            .addNewWebhook()
            .withName("partition-policy.kubeedge-java.io")
            .withAdmissionReviewVersions("v1")
            .withSideEffects("None")
            .withFailurePolicy("Ignore")
            .withTimeoutSeconds(5)
            .withReinvocationPolicy("IfNeeded")
            .withNewClientConfig()
            .withUrl(url)
            .withCaBundle(
                Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)))
            .endClientConfig()
            .addNewRule()
            .withApiGroups("")
            .withApiVersions("v1")
            .withOperations("CREATE")
            .withResources("pods")
            .withScope("Namespaced")
            .endRule()
            .withNewNamespaceSelector()
            .addNewMatchExpression()
            .withKey("kubernetes.io/metadata.name")
            .withOperator("NotIn")
            .withValues("kube-system")
            .endMatchExpression()
            .endNamespaceSelector()
            .withNewObjectSelector()
            .addNewMatchExpression()
            .withKey(PartitionPolicy.OPT_OUT_KEY)
            .withOperator("NotIn")
            .withValues(PartitionPolicy.OPT_OUT_VALUE)
            .endMatchExpression()
            .endObjectSelector()
            .endWebhook()
            .build();
    kube.admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(config)
        .serverSideApply();
    log.info("partition-policy webhook registered at {}", url);
  }
}
