package org.kubeedgejava.keadm;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keadm gettoken}: prints the current join token from Secret kubeedge/tokensecret. */
@Command(
    name = "gettoken",
    mixinStandardHelpOptions = true,
    description = "Print the token edge nodes join with (valid 24 h).")
final class GetTokenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--kube-config",
      description = "kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeConfig;

  @Override
  public Integer call() {
    try (KubernetesClient kube = CommonOptions.kubeClient(kubeConfig)) {
      Secret secret = kube.secrets().inNamespace("kubeedge").withName("tokensecret").get();
      if (secret == null
          || secret.getData() == null
          || !secret.getData().containsKey("tokendata")) {
        spec.commandLine()
            .getErr()
            .println(
                "keadm gettoken: no token in secret kubeedge/tokensecret: is cloudcore running (keadm init)?");
        return 1;
      }
      spec.commandLine()
          .getOut()
          .println(
              new String(
                  Base64.getDecoder().decode(secret.getData().get("tokendata")),
                  StandardCharsets.UTF_8));
      return 0;
    }
  }
}
