package org.kubeedgejava.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that runs against the shared local control plane. Test methods may declare
 * parameters of type {@link io.fabric8.kubernetes.client.KubernetesClient}, {@link TestNamespace}
 * (a namespace made for the one test and deleted after it) and {@link LocalControlPlane}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ControlPlaneExtension.class)
public @interface ControlPlaneTest {}
