using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// A class fixture: the real server started on an empty data directory, as at an installation's first start (it
/// generates its development key set), for the tests about what a first start does.
/// </summary>
public sealed class FirstStartServer : IAsyncLifetime
{
    public ServerProcess Server { get; } = ServerProcess.WithoutKeys();

    public Task InitializeAsync() => Server.StartAsync();

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}
