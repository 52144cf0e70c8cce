using System.Net;
using Hangfire.Dashboard;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.Server.Security;

namespace SystemImage.Server.Jobs;

/// <summary>
/// Lets a request see the Hangfire dashboard only when it comes from an allowed network and is signed in as an admin
/// (cookie or admin token): the dashboard can delete and requeue jobs, and shows every job's arguments.
/// </summary>
internal sealed class AdminDashboardAuthorization(IReadOnlyList<IPNetwork> allowedNetworks) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var user = http.User;
        return IsAllowed(http.Connection.RemoteIpAddress)
            && user.Identity?.IsAuthenticated == true
            && UserClaims.RoleOf(user) >= Role.Admin;
    }

    /// <summary>Whether <paramref name="address"/> is on an allowed network; an IPv4 address may arrive mapped into IPv6.</summary>
    public bool IsAllowed(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return allowedNetworks.Any(network => network.Contains(plain));
    }
}
