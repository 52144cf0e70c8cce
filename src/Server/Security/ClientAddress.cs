using System.Net;
using System.Net.Sockets;

namespace SystemImage.Server.Security;

/// <summary>The client a request comes from, as logs, the audit and the sign-in rate limits name it (after trusted proxies' forwarded headers).</summary>
internal static class ClientAddress
{
    /// <summary>The client's IP address, or <c>unknown</c>.</summary>
    public static string Of(HttpContext http) => Normal(http.Connection.RemoteIpAddress)?.ToString() ?? "unknown";

    /// <summary>
    /// What rate limits count a client by: its IPv4 address, or the /64 network of an IPv6 address (one host
    /// usually holds a whole /64, so counting addresses would let it pick a fresh one per attempt).
    /// </summary>
    public static string RateLimitKey(HttpContext http)
    {
        if (Normal(http.Connection.RemoteIpAddress) is not { } address)
        {
            return "unknown";
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static IPAddress? Normal(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
