using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SystemImage.Core.Audit;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Security;

/// <summary>A data directory with the account services over a counting hasher and a clock the test moves.</summary>
public sealed class AccountsFixture : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    public static readonly Actor Admin = new("root", "cli");
    public const string Client = "203.0.113.9";

    private AccountsFixture(TestDataDirectory data, CountingHashing hashing, FakeTimeProvider time)
    {
        Data = data;
        Hashing = hashing;
        Time = time;
    }

    public TestDataDirectory Data { get; }

    public CountingHashing Hashing { get; }

    public FakeTimeProvider Time { get; }

    public UserService Users => Data.Get<UserService>();

    public UserSessions Sessions => Data.Get<UserSessions>();

    public static async Task<AccountsFixture> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var hashing = new CountingHashing();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var data = await TestDataDirectory.CreateAsync(settings, services => services.AddSingleton<IPasswordHashing>(hashing).AddSingleton<TimeProvider>(time));
        return new AccountsFixture(data, hashing, time);
    }

    public async Task AddAsync(string name, Role role, bool mustChange = false) =>
        Ok(await Users.AddAsync(name, role, Password, Admin, CancellationToken.None, mustChange));

    /// <summary>Signs <paramref name="name"/> in with the right password; fails the test unless a session starts.</summary>
    public async Task<UserSession> SignInAsync(string name, string password = Password)
    {
        var outcome = await Sessions.SignInAsync(name, password, Client, CancellationToken.None);
        Assert.True(outcome.Succeeded, $"refused: {outcome.Refusal}");
        return outcome.Session!;
    }

    /// <summary>Whether a session with these claims would still be let in.</summary>
    public Task<bool> IsCurrentAsync(UserSession session) =>
        Sessions.IsCurrentAsync(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(UserClaims.ForSession(session), "test")), CancellationToken.None);

    public async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = await Data.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync();
    }

    public static void Ok(OperationResult result) => Assert.True(result.Succeeded, result.Message);

    public ValueTask DisposeAsync() => Data.DisposeAsync();
}
