using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;
using static SystemImage.Core.Tests.Security.AccountsFixture;

namespace SystemImage.Core.Tests.Security;

/// <summary>Password sign-in: the same work for every name, the lockout, the audit of refusals, sessions and changing one's password.</summary>
public sealed class UserSessionsTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private AccountsFixture _f = null!;

    public async Task InitializeAsync()
    {
        _f = await AccountsFixture.CreateAsync(new Dictionary<string, string?> { ["SystemImage:SignIn:MaxFailedAttempts"] = "3", ["SystemImage:SignIn:LockoutMinutes"] = "10" });
        await _f.AddAsync("alice", Role.Publisher);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task AnUnknownNameCostsOnePasswordHashLikeAKnownOne()
    {
        var verified = _f.Hashing.Verifications;

        var outcome = await _f.Sessions.SignInAsync("mallory", Password, Client, None);

        Assert.Equal(SignInRefusal.UnknownUser, outcome.Refusal);
        Assert.Equal(verified + 1, _f.Hashing.Verifications);
        // Against a hash the hasher made (same algorithm, same cost), not a shortcut.
        Assert.Contains(_f.Hashing.VerifiedAgainst[^1], _f.Hashing.Made);
        Assert.Equal(verified + 2, await CountAfterAsync(() => _f.Sessions.SignInAsync("alice", "wrong password!", Client, None)));
        Assert.Equal(verified + 3, await CountAfterAsync(() => _f.Sessions.SignInAsync(new string('m', 5000), Password, Client, None)));
    }

    [Fact]
    public async Task WrongPasswordsInARowLockTheAccountForTheConfiguredTime()
    {
        await _f.SignInAsync("alice");
        Assert.Equal(SignInRefusal.WrongPassword, (await _f.Sessions.SignInAsync("alice", "wrong password!", Client, None)).Refusal);
        await _f.SignInAsync("alice");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(SignInRefusal.WrongPassword, (await _f.Sessions.SignInAsync("alice", "wrong password!", Client, None)).Refusal);
        }

        Assert.Equal(SignInRefusal.LockedOut, (await _f.Sessions.SignInAsync("alice", Password, Client, None)).Refusal);
        Assert.Equal(_f.Time.GetUtcNow().AddMinutes(10), (await _f.Users.GetOrNullAsync("alice", None))!.LockedUntil);
        _f.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SignInRefusal.LockedOut, (await _f.Sessions.SignInAsync("alice", Password, Client, None)).Refusal);
        _f.Time.Advance(TimeSpan.FromMinutes(1));
        await _f.SignInAsync("alice");
        Assert.Null((await _f.Users.GetOrNullAsync("alice", None))!.LockedUntil);
    }

    [Fact]
    public async Task ConcurrentWrongPasswordsAreAllCounted()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => _f.Sessions.SignInAsync("alice", "wrong password!", Client, None))));

        Assert.All(outcomes, o => Assert.False(o.Succeeded));
        Assert.Equal(SignInRefusal.LockedOut, (await _f.Sessions.SignInAsync("alice", Password, Client, None)).Refusal);
    }

    [Fact]
    public async Task EveryRefusalIsAuditedWithTheNameTheClientAndTheReason()
    {
        await _f.Sessions.SignInAsync("mallory", Password, Client, None);
        await _f.Sessions.SignInAsync("alice", "wrong password!", Client, None);
        await _f.Sessions.SignInAsync("alice", "wrong password!", Client, None);
        await _f.Sessions.SignInAsync("alice", "wrong password!", Client, None);
        await _f.Sessions.SignInAsync("alice", Password, Client, None);
        await _f.Sessions.SignInAsync("bad\nname", Password, Client, None);

        var entries = await _f.AuditAsync("sign-in-failed");

        var until = _f.Time.GetUtcNow().AddMinutes(10);
        Assert.Equal(
            [
                ("mallory", "refused from 203.0.113.9: no such user"),
                ("alice", "refused from 203.0.113.9: wrong password (1 of 3 before a lockout)"),
                ("alice", "refused from 203.0.113.9: wrong password (2 of 3 before a lockout)"),
                ("alice", $"refused from 203.0.113.9: wrong password, 3 in a row: locked until {until:u}"),
                ("alice", $"refused from 203.0.113.9: the account is locked until {until:u}"),
                ("bad?name", "refused from 203.0.113.9: no such user"),
            ],
            entries.Select(e => (e.Target, e.After)));
        Assert.All(entries, e => Assert.Equal(("anonymous", "ui"), (e.Actor, e.Surface)));
    }

    [Fact]
    public async Task SigningOutEndsEverySessionOfTheUser()
    {
        var first = await _f.SignInAsync("alice");
        var second = await _f.SignInAsync("alice");
        Assert.True(await _f.IsCurrentAsync(first));

        await _f.Sessions.EndAllAsync(first.User.Id, None);

        Assert.False(await _f.IsCurrentAsync(first));
        Assert.False(await _f.IsCurrentAsync(second));
        Assert.True(await _f.IsCurrentAsync(await _f.SignInAsync("alice")));
    }

    [Fact]
    public async Task ASessionWithoutAStampOrWithAnotherUsersIdIsNotCurrent()
    {
        var session = await _f.SignInAsync("alice");
        await _f.AddAsync("bob", Role.Admin);

        Assert.False(await _f.IsCurrentAsync(session with { SecurityStamp = "" }));
        Assert.False(await _f.IsCurrentAsync(session with { User = session.User with { Id = (await _f.Users.GetOrNullAsync("bob", None))!.Id } }));
        var legacy = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, "alice"), new(System.Security.Claims.ClaimTypes.Role, "admin")], "Cookies"));
        Assert.False(await _f.Sessions.IsCurrentAsync(legacy, None));
    }

    [Fact]
    public async Task ChangingThePasswordNeedsTheCurrentOneAndEndsTheOtherSessions()
    {
        await _f.AddAsync("carol", Role.Viewer, mustChange: true);
        var session = await _f.SignInAsync("carol");
        var other = await _f.SignInAsync("carol");
        Assert.True(session.User.MustChangePassword);
        var id = session.User.Id;

        var (wrong, _) = await _f.Sessions.ChangePasswordAsync(id, "not my password", "a fresh password of mine", Client, None);
        var (weak, _) = await _f.Sessions.ChangePasswordAsync(id, Password, "short", Client, None);
        var (same, _) = await _f.Sessions.ChangePasswordAsync(id, Password, Password, Client, None);
        var (changed, renewed) = await _f.Sessions.ChangePasswordAsync(id, Password, "a fresh password of mine", Client, None);

        Assert.Equal(["The current password is wrong.", "A password needs at least 12 characters.", "The new password must differ from the current one."], new[] { wrong, weak, same }.Select(r => r.Message));
        Ok(changed);
        Assert.False(renewed!.User.MustChangePassword);
        Assert.True(await _f.IsCurrentAsync(renewed));
        Assert.False(await _f.IsCurrentAsync(other));
        Assert.False((await _f.SignInAsync("carol", "a fresh password of mine")).User.MustChangePassword);
        Assert.Equal("refused from 203.0.113.9: wrong password (1 of 3 before a lockout)", Assert.Single(await _f.AuditAsync("change-password-failed")).After);
        Assert.Equal(("carol", "one-time password"), (Assert.Single(await _f.AuditAsync("change-password")).Actor, Assert.Single(await _f.AuditAsync("change-password")).Before));
    }

    private async Task<int> CountAfterAsync(Func<Task> action)
    {
        await action();
        return _f.Hashing.Verifications;
    }
}
