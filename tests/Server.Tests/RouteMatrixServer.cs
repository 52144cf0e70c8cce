using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;

namespace SystemImage.Server.Tests;

/// <summary>The server of <see cref="RouteMatrixTests"/>, with one client of each role and a revoked token made once for all its tests.</summary>
public sealed class RouteMatrixServer : InProcessServer
{
    private Clients? _clients;

    internal sealed record Clients(HttpClient Viewer, HttpClient Publisher, HttpClient Admin, string RevokedSecret);

    /// <summary>The clients, made on first use (the tests of one class run one at a time).</summary>
    internal async Task<Clients> ClientsAsync()
    {
        if (_clients is null)
        {
            var actor = new Actor("route-matrix", "cli");
            var tokens = Get<TokenService>();
            var (_, revoked, secret) = await tokens.CreateAsync("route-matrix-revoked", Role.Admin, null, actor, CancellationToken.None);
            await tokens.RevokeAsync(revoked!.Id, actor, CancellationToken.None);
            _clients = new Clients(
                await ApiClient.WithRoleAsync(this, Role.Viewer), await ApiClient.WithRoleAsync(this, Role.Publisher), await ApiClient.WithRoleAsync(this, Role.Admin), secret!);
        }

        return _clients;
    }
}
