using SystemImage.Admin.Ui;
using SystemImage.Admin.Ui.SignIn;
using SystemImage.Core;
using SystemImage.Server.Adoption;
using SystemImage.Server.Api;
using SystemImage.Server.Jobs;
using SystemImage.Server.Security;
using SystemImage.Server.Metrics;
using SystemImage.Server.StaticTree;

namespace SystemImage.Server.Hosting;

/// <summary>The <c>serve</c> verb: the web host with the static tree, /health and (later) the API and admin UI.</summary>
internal static class ServerHost
{
    private const string DefaultUrl = "http://127.0.0.1:5000";

    /// <param name="args">The command line.</param>
    /// <param name="configureServices">More services (tests add a test-only generator).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        // The application is this assembly even when a test process hosts it, so its static web assets manifest is found.
        // A published server finds its web assets (the admin UI's stylesheet, Blazor's script) beside the executable,
        // whatever the working directory.
        var publishedWebRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. args, SettingsFiles.NoDefaultWatch],
            ApplicationName = typeof(ServerHost).Assembly.GetName().Name,
            WebRootPath = Directory.Exists(publishedWebRoot) ? publishedWebRoot : null,
        });
        SettingsFiles.PollForChanges(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Configuration.AddLoggingDefaults();
        builder.Configuration.AddCommandLine(args, CommandLineSwitches.Mappings);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddSystemImageCore(builder.Configuration);
        builder.Services.AddSharedDataProtection();
        builder.Services.AddHostedService<StartupRepair>();
        builder.Services.AddJobs(builder.Configuration);
        builder.Services.AddSecurity(builder.Configuration);
        builder.Services.AddAdminUi();
        builder.Services.AddSingleton<IAdminSignIn, AdminSignIn>();
        builder.Services.AddApiV1(builder.Configuration);
        builder.Services.AddApiReference();
        builder.Services.AddMetrics(builder.Configuration);
        builder.Services.AddStaticTree(builder.Configuration);
        builder.Services.AddAdoption();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(EnumNames.Converter()));
        builder.Services.AddExceptionHandler<FailureProblems>();
        configureServices?.Invoke(builder.Services);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // The admin UI's stylesheet and Blazor's script are static web assets; outside Development they are found
        // through the build's manifest (dotnet run, tests) or in wwwroot (a published server).
        builder.WebHost.UseStaticWebAssets();

        var app = builder.Build();
        // A trusted proxy's forwarded headers first, so everything sees the client's address and scheme.
        app.UseTrustedProxies();
        // Request metrics wrap the whole pipeline; the tree is the hot path: serve it before routing, error pages and everything else.
        app.UseMetrics();
        app.UseDownloadCounting();
        app.UseStaticTree();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStaticFiles();
        app.UseStatusCodePages();
        app.UseAdminErrorPages();
        app.UseSignInRateLimits();
        app.UseRouting();
        app.UseAuthentication();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseJobsDashboard();
        app.MapHealthApi();
        app.MapSignInEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapApiV1();
        app.MapApiReference();
        app.MapMetricsEndpoint();
        return app;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
        return 0;
    }
}
