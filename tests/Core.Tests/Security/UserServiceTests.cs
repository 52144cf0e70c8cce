using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using Xunit;
using static SystemImage.Core.Tests.Security.AccountsFixture;

namespace SystemImage.Core.Tests.Security;

/// <summary>Admins manage accounts: roles, one-time passwords, disabling and removing, each audited and each ending the user's sessions.</summary>
public sealed class UserServiceTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private AccountsFixture _f = null!;

    public async Task InitializeAsync()
    {
        _f = await AccountsFixture.CreateAsync();
        await _f.AddAsync("root", Role.Admin);
        await _f.AddAsync("alice", Role.Publisher);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task TheFirstAdminHasAOneTimePassword()
    {
        await using var fresh = await AccountsFixture.CreateAsync();

        var password = await fresh.Users.EnsureInitialAdminAsync(None);

        Assert.NotNull(password);
        Assert.Null(await fresh.Users.EnsureInitialAdminAsync(None));
        var admin = Assert.Single(await fresh.Users.ListAsync(None));
        Assert.Equal(("admin", "admin", true, "must change password"), (admin.Name, admin.Role, admin.MustChangePassword, admin.State));
        Assert.True((await fresh.SignInAsync("admin", password!)).User.MustChangePassword);
    }

    [Fact]
    public async Task ARoleChangeEndsTheUsersSessionsAndIsAudited()
    {
        var session = await _f.SignInAsync("alice");

        Ok(await _f.Users.SetRoleAsync("alice", Role.Viewer, Admin, None));

        Assert.False(await _f.IsCurrentAsync(session));
        Assert.Equal("viewer", (await _f.Users.GetOrNullAsync("ALICE", None))!.Role);
        var entry = Assert.Single(await _f.AuditAsync("set-user-role"));
        Assert.Equal(("root", "alice", "role publisher", "role viewer, sessions ended"), (entry.Actor, entry.Target, entry.Before, entry.After));
        Assert.True(await _f.IsCurrentAsync(await _f.SignInAsync("alice")));
        Assert.Equal("User 'alice' already is viewer.", (await _f.Users.SetRoleAsync("alice", Role.Viewer, Admin, None)).Message);
    }

    [Fact]
    public async Task AnAdminSetPasswordIsOneTimeEndsSessionsAndLiftsALockout()
    {
        var session = await _f.SignInAsync("alice");
        for (var i = 0; i < 5; i++)
        {
            await _f.Sessions.SignInAsync("alice", "wrong password!", Client, None);
        }

        Assert.NotNull((await _f.Users.GetOrNullAsync("alice", None))!.LockedUntil);

        Ok(await _f.Users.SetPasswordAsync("alice", "a new one-time password", Admin, None));

        Assert.False(await _f.IsCurrentAsync(session));
        var alice = (await _f.Users.GetOrNullAsync("alice", None))!;
        Assert.Equal((true, null, "must change password"), (alice.MustChangePassword, alice.LockedUntil, alice.State));
        Assert.Equal(SignInRefusal.WrongPassword, (await _f.Sessions.SignInAsync("alice", Password, Client, None)).Refusal);
        Assert.True((await _f.SignInAsync("alice", "a new one-time password")).User.MustChangePassword);
        Assert.Single(await _f.AuditAsync("set-user-password"));
        Assert.Contains("at least 12", (await _f.Users.SetPasswordAsync("alice", "short", Admin, None)).Message);
    }

    [Fact]
    public async Task ADisabledUserHasNoSessionAndCannotSignInUntilEnabled()
    {
        var session = await _f.SignInAsync("alice");

        Ok(await _f.Users.SetDisabledAsync("alice", true, Admin, None));

        Assert.False(await _f.IsCurrentAsync(session));
        Assert.Equal(SignInRefusal.Disabled, (await _f.Sessions.SignInAsync("alice", Password, Client, None)).Refusal);
        Assert.Equal("disabled", (await _f.Users.GetOrNullAsync("alice", None))!.State);

        Ok(await _f.Users.SetDisabledAsync("alice", false, Admin, None));

        Assert.False(await _f.IsCurrentAsync(session));
        Assert.True(await _f.IsCurrentAsync(await _f.SignInAsync("alice")));
        Assert.Equal([("enabled", "disabled, sessions ended"), ("disabled", "enabled")],
            (await _f.AuditAsync("disable-user")).Concat(await _f.AuditAsync("enable-user")).Select(e => (e.Before, e.After)));
    }

    [Fact]
    public async Task ARemovedUsersSessionsEndWithTheAccount()
    {
        var session = await _f.SignInAsync("alice");

        Ok(await _f.Users.RemoveAsync("alice", Admin, None));

        Assert.False(await _f.IsCurrentAsync(session));
        Assert.Null(await _f.Users.GetOrNullAsync("alice", None));
        Assert.Equal("user 'alice', role publisher", Assert.Single(await _f.AuditAsync("remove-user")).Before);
        Assert.Equal(OperationStatus.NotFound, (await _f.Users.RemoveAsync("alice", Admin, None)).Status);
    }

    [Fact]
    public async Task TheLastEnabledAdminCannotBeDemotedDisabledOrRemoved()
    {
        await _f.AddAsync("bob", Role.Admin);
        Ok(await _f.Users.SetDisabledAsync("bob", true, Admin, None));

        var refusals = new[]
        {
            await _f.Users.SetRoleAsync("root", Role.Publisher, Admin, None),
            await _f.Users.SetDisabledAsync("root", true, Admin, None),
            await _f.Users.RemoveAsync("root", Admin, None),
        };

        Assert.All(refusals, r =>
        {
            Assert.Equal(OperationStatus.Conflict, r.Status);
            Assert.Contains("last enabled admin", r.Message, StringComparison.Ordinal);
        });
        Assert.Equal(("admin", false), ((await _f.Users.GetOrNullAsync("root", None))!.Role, (await _f.Users.GetOrNullAsync("root", None))!.Disabled));
        Assert.Empty(await _f.AuditAsync("remove-user"));

        Ok(await _f.Users.SetDisabledAsync("bob", false, Admin, None));
        Ok(await _f.Users.RemoveAsync("root", Admin, None));
        Assert.Equal(OperationStatus.Conflict, (await _f.Users.SetRoleAsync("bob", Role.Viewer, Admin, None)).Status);
    }

    [Fact]
    public async Task TwoAdminsRemovingEachOtherAtOnceLeaveOne()
    {
        await _f.AddAsync("bob", Role.Admin);

        var results = await Task.WhenAll(
            Task.Run(() => _f.Users.RemoveAsync("root", new("bob", "ui"), None)),
            Task.Run(() => _f.Users.RemoveAsync("bob", new("root", "ui"), None)));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(await _f.Users.ListAsync(None), u => u.Role == "admin");
    }

    [Fact]
    public async Task UnknownUsersAreNotFoundAndBadInputIsRefused()
    {
        Assert.All(
            new[]
            {
                await _f.Users.SetRoleAsync("nobody", Role.Viewer, Admin, None),
                await _f.Users.SetPasswordAsync("nobody", "long enough password", Admin, None),
                await _f.Users.SetDisabledAsync("nobody", true, Admin, None),
                await _f.Users.RemoveAsync("nobody", Admin, None),
            },
            r => Assert.Equal((OperationStatus.NotFound, "There is no user 'nobody'."), (r.Status, r.Message)));
        Assert.Equal(OperationStatus.Conflict, (await _f.Users.AddAsync("Alice", Role.Viewer, Password, Admin, None)).Status);
        Assert.Equal(OperationStatus.Invalid, (await _f.Users.AddAsync("two words", Role.Viewer, Password, Admin, None)).Status);
        Assert.Contains("at most 1024", (await _f.Users.AddAsync("carol", Role.Viewer, new string('x', 1025), Admin, None)).Message);
    }
}
