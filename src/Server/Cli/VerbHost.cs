using SystemImage.Core;
using SystemImage.Server.Hosting;

namespace SystemImage.Server.Cli;

/// <summary>The same configuration and core services as <c>serve</c>, without the web server, for one verb.</summary>
internal static class VerbHost
{
    public static IHost Build(string? dataDir, bool verbose = false)
    {
        // A verb reads the settings files once and never watches them (SettingsFiles).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [SettingsFiles.NoDefaultWatch],
            ContentRootPath = Directory.GetCurrentDirectory(),
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        // A verb prints its one-line result; only warnings and errors of the services reach stderr, unless --verbose. A
        // failed SQL command is left to the verb's own one-line error (a full disk, a locked database), unless --verbose.
        var level = verbose ? LogLevel.Information : LogLevel.Warning;
        builder.Configuration.AddInMemoryCollection(
        [
            new("Logging:LogLevel:Default", "Warning"),
            new("Logging:LogLevel:SystemImage", level.ToString()),
            new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", verbose ? "Warning" : "Critical"),
        ]);
        if (dataDir is not null)
        {
            builder.Configuration.AddInMemoryCollection([new(CommandLineSwitches.Mappings["--data-dir"], dataDir)]);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = verbose ? "HH:mm:ss.fff " : null;
        });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(level);
        builder.Services.AddSystemImageCore(builder.Configuration);
        builder.Services.AddSingleton<SystemImage.Core.Security.IPasswordHashing, SystemImage.Server.Security.IdentityPasswordHashing>();
        return builder.Build();
    }
}
