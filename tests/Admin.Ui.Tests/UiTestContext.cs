using System.Text.Json.Nodes;
using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using SystemImage.Core.Channels;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
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
    /// <summary>The actor of test set-up done through Core.</summary>
    protected static readonly Actor Setup = new("setup", "cli");

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
        DialogScript = JSInterop.SetupModule(SystemImage.Admin.Ui.Shared.ConfirmDialog.DialogScript);
        DialogScript.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>The modal dialogs' focus script (trap and release calls are recorded, and answer at once).</summary>
    protected BunitJSModuleInterop DialogScript { get; private set; } = null!;

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

    /// <summary>
    /// Renders <typeparamref name="TComponent"/> and waits until its first load has ended (no "Loading …" line left).
    /// SQLite answers a page's queries within its first render; PostgreSQL's answers come later, as in production.
    /// </summary>
    protected new IRenderedComponent<TComponent> Render<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameterBuilder = null)
        where TComponent : IComponent
    {
        var component = base.Render(parameterBuilder);
        component.WaitForAssertion(
            () => Assert.DoesNotContain(component.FindAll("p.muted"), p => p.TextContent.StartsWith("Loading ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30));
        return component;
    }

    /// <summary>
    /// Clicks the element <paramref name="find"/> finds, finding it again when the page rendered anew between finding
    /// and clicking it (a refresh whose data came in meanwhile, as PostgreSQL's answers do).
    /// </summary>
    protected static async Task ClickFoundAsync(Func<IElement> find)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await find().ClickAsync(new MouseEventArgs());
                return;
            }
            catch (UnknownEventHandlerIdException) when (attempt < 3)
            {
                // The element found belonged to the render before; the next finding is the current one.
            }
        }
    }

    /// <summary>Renders <typeparamref name="TComponent"/> without waiting for it to load, for the tests of its loading state.</summary>
    protected IRenderedComponent<TComponent> RenderWhileLoading<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameterBuilder = null)
        where TComponent : IComponent => base.Render(parameterBuilder);

    /// <summary>Creates <paramref name="name"/> with <paramref name="devices"/> through Core, as an operator would.</summary>
    protected async Task ChannelAsync(string name, params string[] devices)
    {
        Ok(await Get<ChannelService>().CreateAsync(name, false, Setup, CancellationToken.None));
        foreach (var device in devices)
        {
            Ok(await Get<DeviceService>().CreateAsync(name, device, false, Setup, CancellationToken.None));
        }
    }

    /// <summary>Publishes small build number <paramref name="build"/> (a distinct rootfs sharing <paramref name="share"/> of its files) as the device's next version.</summary>
    protected async Task PublishAsync(string channel, string device, int build, int? percentage = null, double share = 0.1)
    {
        var inputs = Path.Combine(Data.Path, "inputs");
        Directory.CreateDirectory(inputs);
        var file = SimpleTarball.WriteBuild(Path.Combine(inputs, $"{channel.Replace('/', '_')}-{device}-{build}.tar.gz"), build, files: 20, share: share);
        Ok(await Get<ImageService>().PublishAsync(
            new PublishImageRequest(channel, device, [new PartInput("ubuntu", file)]) { PhasedPercentage = percentage }, Setup, CancellationToken.None));
    }

    /// <summary>The images of the device's published index.json.</summary>
    protected JsonArray Images(string channel, string device) => TreeAssert.ReadJson(Data, $"/{channel}/{device}/index.json")["images"]!.AsArray();

    protected static void Ok(OperationResult result) => Assert.True(result.Succeeded, result.Message);
}
