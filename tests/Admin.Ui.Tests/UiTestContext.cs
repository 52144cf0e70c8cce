using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Core.Security;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Admin.Ui.Tests;

/// <summary>
/// A bunit context over real Core services on a throwaway data directory (real SQLite file, real publish root), with a
/// signed-in user of a chosen role. Components resolve Core services from the data directory's provider.
/// </summary>
public abstract class UiTestContext : BunitContext, IAsyncLifetime
{
    private TestDataDirectory? _data;

    protected TestDataDirectory Data => _data ?? throw new InvalidOperationException("The data directory is made in InitializeAsync.");

    protected BunitAuthorizationContext Auth { get; private set; } = null!;

    /// <summary>The background jobs pages queue (imports, re-signs, rotations), run inline through the real Core services.</summary>
    protected InlineBackgroundJobs Jobs { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        _data = await TestDataDirectory.CreateAsync();
        Services.AddScoped<UiSession>();
        Jobs = ActivatorUtilities.CreateInstance<InlineBackgroundJobs>(_data.Services);
        Services.AddSingleton<SystemImage.Core.Operations.IBackgroundJobs>(Jobs);
        Services.AddFallbackServiceProvider(_data.Services);
        Auth = AddAuthorization();
        SignInAs("tester", Role.Admin);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Jobs.WhenIdleAsync();
        await DisposeAsync();
        if (_data is not null)
        {
            await _data.DisposeAsync();
        }
    }

    /// <summary>Signs the test user in with <paramref name="role"/> (as the sign-in cookie would carry it, surface <c>ui</c>).</summary>
    protected void SignInAs(string name, Role role)
    {
        Auth.SetAuthorized(name);
        Auth.SetRoles(Roles.Name(role));
        Auth.SetClaims(new System.Security.Claims.Claim(UserClaims.Surface, "ui"));
    }

    protected T Get<T>() where T : notnull => Data.Get<T>();
}
