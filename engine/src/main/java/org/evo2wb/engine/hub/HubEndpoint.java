package org.evo2wb.engine.hub;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Hugging Face Hub is and who asks it: the endpoint from {@code HF_ENDPOINT} (default the public Hub,
 * {@value #PUBLIC_HUB}), a token from {@code HF_TOKEN} when set, and the proxy: the standard Java settings
 * ({@code -Dhttps.proxyHost=… -Dhttps.proxyPort=…}) win, else {@code HTTPS_PROXY} / {@code https_proxy}, as the
 * official {@code huggingface_hub} client reads them.
 *
 * @param endpoint the Hub's address, without a trailing slash
 * @param token an access token, or empty
 * @param proxy the proxy selector for every request
 */
public record HubEndpoint(URI endpoint, Optional<String> token, ProxySelector proxy) {

    /** The public Hub. */
    public static final String PUBLIC_HUB = "https://huggingface.co";

    public HubEndpoint {
        String s = endpoint.toString();
        endpoint = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        token = token.filter(t -> !t.isBlank()).map(String::strip);
    }

    /**
     * The endpoint, token and proxy of this process's environment; {@code HF_ENDPOINT} and {@code HF_TOKEN} may also
     * be given as Java system properties ({@code -DHF_ENDPOINT=…}), the environment winning, as DJL reads its
     * settings.
     */
    public static HubEndpoint fromEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        for (String k : new String[] {"HF_ENDPOINT", "HF_TOKEN"}) {
            if (!env.containsKey(k) && System.getProperty(k) != null) {
                env.put(k, System.getProperty(k));
            }
        }
        return fromEnvironment(env);
    }

    /** The endpoint, token and proxy {@code env} names (system properties for the proxy still win). */
    public static HubEndpoint fromEnvironment(Map<String, String> env) {
        String ep = env.getOrDefault("HF_ENDPOINT", "");
        return new HubEndpoint(URI.create(ep.isBlank() ? PUBLIC_HUB : ep.strip()),
                Optional.ofNullable(env.get("HF_TOKEN")), proxy(env));
    }

    /** This endpoint with another token (empty for none). */
    public HubEndpoint withToken(Optional<String> newToken) {
        return new HubEndpoint(endpoint, newToken, proxy);
    }

    /**
     * The Java proxy settings when {@code https.proxyHost} is set, else {@code HTTPS_PROXY} (or {@code https_proxy},
     * {@code ALL_PROXY}) as {@code http://host:port}, else the JVM's default selector (which also honours
     * {@code java.net.useSystemProxies}).
     */
    static ProxySelector proxy(Map<String, String> env) {
        if (System.getProperty("https.proxyHost") != null || System.getProperty("http.proxyHost") != null) {
            return ProxySelector.getDefault();
        }
        for (String name : new String[] {"HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"}) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                URI u = URI.create(v.strip().contains("://") ? v.strip() : "http://" + v.strip());
                int port = u.getPort() > 0 ? u.getPort()
                        : "https".equals(u.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
                return ProxySelector.of(new InetSocketAddress(u.getHost(), port));
            }
        }
        ProxySelector d = ProxySelector.getDefault();
        return d != null ? d : ProxySelector.of(null);
    }
}
