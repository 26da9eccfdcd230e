package io.refraft.impl.http;

import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How {@link Http1Server} speaks HTTPS.
 *
 * @param context    presents the server's certificate; its trust managers check client certificates
 * @param clientAuth whether every client must present a certificate the context trusts
 */
public record HttpTls(SSLContext context, boolean clientAuth) {
  public HttpTls {
    Objects.requireNonNull(context, "context");
  }
}
