using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.Server.Security;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The check an open admin page's circuit makes every few seconds: a current session passes, a signed-out one fails,
/// and while the server stops (its services already gone) the check neither fails nor throws, so a restart with pages
/// open logs no revalidation errors and no failed renders.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class CircuitRevalidationTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly InProcessServer _server = new();
    private bool _stopped;

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _stopped ? Task.CompletedTask : _server.DisposeAsync();

    private SessionValidation Validation() =>
        new(_server.Get<ILoggerFactory>(), _server.Get<UserSessions>(), _server.Get<IHostApplicationLifetime>());

    private async Task<AuthenticationState> SignedInAsync(string name)
    {
        Assert.True((await _server.Get<UserService>().AddAsync(name, Role.Publisher, Password, new Actor("tests", "cli"), CancellationToken.None)).Succeeded);
        var outcome = await _server.Get<UserSessions>().SignInAsync(name, Password, "127.0.0.1", CancellationToken.None);
        Assert.True(outcome.Succeeded, outcome.Refusal?.ToString());
        return new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(UserClaims.ForSession(outcome.Session!), SecurityExtensions.CookieScheme)));
    }

    [Fact]
    public async Task ACurrentSessionPassesAndASignedOutOneFails()
    {
        var state = await SignedInAsync("vera");
        using var validation = Validation();
        Assert.True(await validation.ValidateAsync(state));

        await _server.Get<UserSessions>().EndAllAsync(UserClaims.UserIdOrNull(state.User)!.Value, CancellationToken.None);

        Assert.False(await validation.ValidateAsync(state));
    }

    [Fact]
    public async Task WhileTheServerStopsTheCheckLeavesTheSessionAlone()
    {
        var state = await SignedInAsync("walt");
        using var validation = Validation();

        // The host stops and disposes its services, as it does before the circuits' scopes are gone.
        _stopped = true;
        await _server.DisposeAsync();

        Assert.True(await validation.ValidateAsync(state));
    }
}
