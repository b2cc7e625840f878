package org.kubeedgejava.cloudcore.certs;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.CsrRejectedException;
import org.kubeedgejava.security.JoinToken;
import org.kubeedgejava.security.TokenException;
import org.kubeedgejava.transport.EventLoops;
import org.kubeedgejava.transport.TlsContexts;
import org.kubeedgejava.transport.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The join endpoint, HTTPS on port 10002, as KubeEdge's edges expect it:
 *
 * <ul>
 *   <li>{@code GET /ca.crt}: the CA certificate, DER;
 *   <li>{@code GET /edge.crt}: body = a CSR in DER, header {@code NodeName}; authorised by {@code
 *       Authorization: Bearer <jwt>} (the join token's JWT) on first join, or by the node's current
 *       certificate (rotation), or by its expired one within a grace period ({@link
 *       ExpiredCertificateRenewal}: a node back from a long time offline); answers the signed
 *       certificate in DER;
 *   <li>{@code GET /node/{name}}: 200 "Node found" or 404.
 * </ul>
 *
 * Every refusal says why in the body, with a status that fits (400, 401, 403, 404), and is counted
 * in {@code kubeedge_cloudhub_certificate_requests_total{result}}.
 */
public final class CertificateServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateServer.class);
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int MAX_BODY = 4 * 1024 * 1024; // admission reviews carry whole pods

  private final String bindAddress;
  private final int port;
  private final SslContext ssl;
  private final CertificateAuthority ca;
  private final Supplier<Duration> signingValidity;
  private final NodeLookup nodes;
  private final Clock clock;
  private final ExpiredCertificateRenewal expiredRenewal;
  private final Duration expiredGrace;
  private final Counter requests;
  private volatile Function<byte[], byte[]> admission = body -> null;
  private final EventLoopGroup group;
  private final ExecutorService work;
  private Channel serverChannel;

  public CertificateServer(
      String bindAddress,
      int port,
      CertificateAuthority ca,
      TlsIdentity serverIdentity,
      Duration signingValidity,
      Duration expiredCertificateGrace,
      NodeLookup nodes,
      Clock clock,
      PrometheusRegistry registry)
      throws SSLException {
    this.bindAddress = bindAddress;
    this.port = port;
    // the handshake checks only that a client certificate chains to the CA; its validity period
    // is judged below, with the clock: valid renews, expired may within the grace period
    this.ssl =
        TlsContexts.joinEndpoint(
            serverIdentity.key(), serverIdentity.certificate(), ca.certificate());
    this.ca = ca;
    this.signingValidity = () -> signingValidity;
    this.nodes = nodes;
    this.clock = clock;
    this.expiredGrace = expiredCertificateGrace;
    this.expiredRenewal = new ExpiredCertificateRenewal(ca, expiredCertificateGrace, nodes, clock);
    this.requests =
        Counter.builder()
            .name("kubeedge_cloudhub_certificate_requests_total")
            .help("Requests to the join endpoint (port 10002), by result")
            .labelNames("result")
            .register(registry);
    this.group = EventLoops.newGroup("cloudhub-https", 1);
    this.work =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cloudhub-https-", 0).factory());
  }

  public InetSocketAddress start() throws InterruptedException {
    serverChannel =
        new ServerBootstrap()
            .group(group)
            .channel(EventLoops.serverChannel())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(ssl.newHandler(ch.alloc()))
                        .addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS))
                        .addLast(new HttpServerCodec(4096, 8192, 8192))
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new Routes());
                  }
                })
            .bind(bindAddress, port)
            .sync()
            .channel();
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info("join endpoint listening on https://{}:{}", bindAddress, bound.getPort());
    return bound;
  }

  /**
   * Serves {@code POST /admission/mutate-pods} with {@code handler} (AdmissionReview JSON in and
   * out).
   */
  public void admission(Function<byte[], byte[]> handler) {
    this.admission = handler;
  }

  public double requestCount(String result) {
    return requests.labelValues(result).get();
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    work.shutdown();
  }

  /** An answer: status, body, content type, and the metric label. */
  private record Reply(HttpResponseStatus status, byte[] body, String contentType, String result) {
    static Reply text(HttpResponseStatus status, String text, String result) {
      return new Reply(
          status,
          (text + "\n").getBytes(StandardCharsets.UTF_8),
          "text/plain; charset=utf-8",
          result);
    }

    static Reply der(byte[] der, String result) {
      return new Reply(HttpResponseStatus.OK, der, "application/octet-stream", result);
    }
  }

  private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      String path = request.uri().split("\\?", 2)[0];
      Optional<X509Certificate> clientCert = peerCertificate(ctx);
      String nodeName = request.headers().get("NodeName", "");
      String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
      String extKeyUsages = request.headers().get("ExtKeyUsages", "");
      byte[] body = new byte[request.content().readableBytes()];
      request.content().readBytes(body);
      HttpMethod method = request.method();
      work.execute(() -> {
        Reply reply;
        try {
          reply = route(method, path, nodeName, authorization, extKeyUsages, clientCert, body);
        } catch (RuntimeException e) {
          log.error("join endpoint failed on {} {}", method, path, e);
          reply =
              Reply.text(
                  HttpResponseStatus.INTERNAL_SERVER_ERROR,
                  "internal error: " + e.getMessage(),
                  "error");
        }
        requests.labelValues(reply.result()).inc();
        Reply r = reply;
        ctx.executor().execute(() -> write(ctx, r, keepAlive));
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "join endpoint connection from {} failed: {}",
          ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
    }
  }

  private Reply route(
      HttpMethod method,
      String path,
      String nodeName,
      String authorization,
      String extKeyUsages,
      Optional<X509Certificate> clientCert,
      byte[] body) {
    if (!HttpMethod.GET.equals(method) && !HttpMethod.POST.equals(method)) {
      return Reply.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", "bad_request");
    }
    if (path.equals("/admission/mutate-pods") && HttpMethod.POST.equals(method)) {
      byte[] review = admission.apply(body);
      return review == null
          ? Reply.text(HttpResponseStatus.NOT_FOUND, "admission is not enabled", "not_found")
          : new Reply(HttpResponseStatus.OK, review, "application/json", "admission");
    }
    if (path.equals("/ca.crt")) {
      return Reply.der(ca.certificateDer(), "ca");
    }
    if (path.equals("/edge.crt")) {
      return signEdgeCertificate(nodeName, authorization, extKeyUsages, clientCert, body);
    }
    if (path.startsWith("/node/")) {
      String name = path.substring("/node/".length());
      if (!validNodeName(name)) {
        return Reply.text(HttpResponseStatus.BAD_REQUEST, "invalid node name", "bad_request");
      }
      return nodes.exists(name)
          ? Reply.text(HttpResponseStatus.OK, "Node found", "node_found")
          : Reply.text(HttpResponseStatus.NOT_FOUND, "Node not found", "node_not_found");
    }
    return Reply.text(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path, "not_found");
  }

  private Reply signEdgeCertificate(
      String nodeName,
      String authorization,
      String extKeyUsages,
      Optional<X509Certificate> clientCert,
      byte[] csr) {
    if (!validNodeName(nodeName)) {
      return Reply.text(
          HttpResponseStatus.BAD_REQUEST,
          "header NodeName is missing or not a valid node name",
          "bad_request");
    }
    if (csr.length == 0) {
      return Reply.text(
          HttpResponseStatus.BAD_REQUEST, "the request body must be a CSR in DER", "bad_request");
    }
    // rotation: a valid certificate of this very node; first join: the join token; back from a
    // long time offline: the node's expired certificate, within the grace period
    Optional<String> certified = clientCert.flatMap(c -> ca.authenticateNode(c, clock));
    String how = "rotation";
    String result = "rotated";
    if (certified.isPresent()) {
      if (!certified.get().equals(nodeName)) {
        log.warn("node {} asked for a certificate for node {}; refused", certified.get(), nodeName);
        return Reply.text(
            HttpResponseStatus.FORBIDDEN,
            "your certificate is for node " + certified.get() + ", not " + nodeName,
            "forbidden");
      }
    } else if (authorization.startsWith("Bearer ")) {
      String jwt = authorization.substring("Bearer ".length()).strip();
      try {
        JoinToken.verifyJwt(jwt, ca.privateKeyDer(), clock);
      } catch (TokenException e) {
        log.warn("refused a certificate for node {}: {}", nodeName, e.getMessage());
        return Reply.text(
            HttpResponseStatus.UNAUTHORIZED, e.getMessage(), "token_" + e.reason().label());
      }
      how = "join";
      result = "issued";
    } else if (clientCert.isPresent()) {
      switch (expiredRenewal.decide(clientCert.get(), nodeName, csr)) {
        case ExpiredCertificateRenewal.Refused refused -> {
          log.warn("refused a certificate for node {}: {}", nodeName, refused.reason());
          return Reply.text(
              HttpResponseStatus.valueOf(refused.status()), refused.reason(), refused.result());
        }
        case ExpiredCertificateRenewal.Allowed allowed -> {
          log.info(
              "node {} renews the certificate that expired {} ago, at {} (within the {}-day"
                  + " grace period, modules.cloudHub.expiredCertificateGracePeriod)",
              allowed.node(),
              ExpiredCertificateRenewal.describe(allowed.expiredFor()),
              clientCert.get().getNotAfter().toInstant(),
              expiredGrace.toDays());
          how = "renewal after expiry";
          result = "recovered";
        }
      }
    } else {
      return Reply.text(
          HttpResponseStatus.UNAUTHORIZED,
          "a join token (Authorization: Bearer <token>) or a node certificate is required",
          "unauthorized");
    }
    boolean serverAuth = wantsServerAuth(extKeyUsages);
    try {
      X509Certificate signed =
          ca.signNodeCsr(clock, csr, nodeName, signingValidity.get(), serverAuth);
      log.info(
          "issued a certificate for node {} ({}), valid until {}",
          nodeName,
          how,
          signed.getNotAfter().toInstant());
      return Reply.der(signed.getEncoded(), result);
    } catch (CsrRejectedException e) {
      log.warn("refused a CSR for node {}: {}", nodeName, e.getMessage());
      return Reply.text(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "csr_rejected");
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Header ExtKeyUsages: a JSON array of Go x509.ExtKeyUsage numbers; 1 is ServerAuth. */
  static boolean wantsServerAuth(String header) {
    for (String part : header.replace("[", "").replace("]", "").split(",")) {
      if (part.strip().equals("1")) {
        return true;
      }
    }
    return false;
  }

  private static boolean validNodeName(String name) {
    return !name.isEmpty() && name.length() <= 253 && NODE_NAME.matcher(name).matches();
  }

  private static Optional<X509Certificate> peerCertificate(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x
          ? Optional.of(x)
          : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, reply.status(), Unpooled.wrappedBuffer(reply.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
