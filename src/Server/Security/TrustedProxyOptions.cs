namespace SystemImage.Server.Security;

/// <summary>
/// Reverse proxies (a TLS terminator in front of the Docker image's http port, a load balancer) whose
/// <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> the server believes: then the client's
/// address, https and the public host name are the ones the proxy saw, so the sign-in cookie is <c>Secure</c>,
/// redirects say <c>https://</c> and rate limits count real clients. Default none: the headers are ignored.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "SystemImage:Server:ForwardedHeaders";

    /// <summary>IP addresses of trusted proxies, e.g. <c>10.0.0.2</c> or <c>::1</c>. Default none.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>172.16.0.0/12</c>. Default none.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}
