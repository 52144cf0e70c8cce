using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SystemImage.Server.Security;

/// <summary>Forwarded headers from the configured proxies only (<see cref="TrustedProxyOptions"/>); with none configured they are ignored.</summary>
internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrustedProxyOptions>().Bind(configuration.GetSection(TrustedProxyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The framework trusts loopback by default; here only what is configured is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            // Every hop is checked against the trusted list, so a chain of trusted proxies may be walked back to the client.
            forwarded.ForwardLimit = null;
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
            }

            foreach (var network in trusted.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
            }
        });
        return services;
    }

    /// <summary>Applies the forwarded headers when proxies are configured; first in the pipeline, so everything after sees the client's view.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Any ? app.UseForwardedHeaders() : app;
}

/// <summary>Every configured proxy is an IP address and every network a CIDR range.</summary>
internal sealed class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, TrustedProxyOptions options)
    {
        var errors = options.KnownProxies.Where(p => !IPAddress.TryParse(p.Trim(), out _))
            .Select(p => $"{TrustedProxyOptions.SectionName}:KnownProxies: '{p}' is not an IP address")
            .Concat(options.KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n.Trim(), out _))
                .Select(n => $"{TrustedProxyOptions.SectionName}:KnownNetworks: '{n}' is not a network in CIDR notation such as 10.0.0.0/8"))
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
