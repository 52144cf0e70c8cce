using Microsoft.Extensions.Logging;
using SystemImage.Server.Jobs;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>Hangfire's loggers come from the host's, and are silent rather than failing once the host's logging is gone.</summary>
public sealed class HostLogProviderTests
{
    [Fact]
    public void LoggersComeFromTheHostAndAreSilentOnceItsLoggingIsDisposed()
    {
        var factory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Information));
        var provider = new HostLogProvider(factory);
        Assert.True(provider.GetLogger("Hangfire.Test").Log(Hangfire.Logging.LogLevel.Info, null));

        factory.Dispose();

        var after = provider.GetLogger("Hangfire.Test");
        Assert.False(after.Log(Hangfire.Logging.LogLevel.Error, () => "lost", new InvalidOperationException()));
    }
}
