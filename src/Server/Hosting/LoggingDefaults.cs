using Microsoft.Extensions.Configuration.Memory;

namespace SystemImage.Server.Hosting;

/// <summary>
/// The log levels a server starts with wherever it is started from, beneath appsettings.json, the environment and
/// the command line: the server's own information (the first start's keys and one-time admin password, imports,
/// publishes), the host's start and stop, and only warnings and errors of ASP.NET Core, EF Core (no SQL statements)
/// and Hangfire (no housekeeping chatter).
/// </summary>
internal static class LoggingDefaults
{
    public static readonly IReadOnlyDictionary<string, string?> Levels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:Hangfire"] = "Warning",
        // The keys of cookies and anti-forgery live in the data directory's private secrets/ (mode 0700); the
        // framework's warning at every first start that they are not encrypted at rest says nothing more.
        ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager"] = "Error",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
    };

    /// <summary>Puts the defaults beneath every other configuration source, so any of them overrides a level.</summary>
    public static void AddLoggingDefaults(this IConfigurationManager configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Levels });
}
