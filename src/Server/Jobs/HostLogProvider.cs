using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace SystemImage.Server.Jobs;

/// <summary>
/// Hangfire's logging through the host's loggers, as Hangfire's own ASP.NET Core provider does, except that once
/// the host's logging is gone its loggers are silent instead of throwing. Hangfire keeps one provider per process,
/// the last host's: when that host is disposed before another (tests run several in one process), building a job's
/// filters (<c>AutomaticRetryAttribute</c> asks for a logger) failed, and the other host's schedules were disabled.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _host = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _host.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
