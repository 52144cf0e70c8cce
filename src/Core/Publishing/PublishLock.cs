using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Storage;

namespace SystemImage.Core.Publishing;

/// <summary>
/// The one lock every writer of the tree takes (server, jobs, command-line verbs): an in-process
/// semaphore plus an exclusive lock on <c>state/publish.lock</c>, so a verb run beside the server waits its turn.
/// </summary>
public sealed class PublishLock(IOptions<SystemImageOptions> options) : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _local = new(1, 1);

    public async Task<IAsyncDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _local.WaitAsync(cancellationToken);
        try
        {
            var path = Path.Combine(options.Value.StateDir, "publish.lock");
            PrivatePaths.CreateDirectory(options.Value.StateDir);
            while (true)
            {
                try
                {
                    // On Unix, FileShare.None takes an exclusive advisory lock (flock) held while the stream is open.
                    var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Releaser(stream, _local);
                }
                catch (IOException)
                {
                    await Task.Delay(RetryDelay, cancellationToken);
                }
            }
        }
        catch
        {
            _local.Release();
            throw;
        }
    }

    /// <summary>The lock if it is free now (in this process and in every other); null when someone holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (!await _local.WaitAsync(0, cancellationToken))
        {
            return null;
        }

        try
        {
            PrivatePaths.CreateDirectory(options.Value.StateDir);
            var stream = new FileStream(Path.Combine(options.Value.StateDir, "publish.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new Releaser(stream, _local);
        }
        catch (IOException)
        {
            _local.Release();
            return null;
        }
    }

    public void Dispose() => _local.Dispose();

    private sealed class Releaser(FileStream stream, SemaphoreSlim local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            local.Release();
        }
    }
}
