using Microsoft.Extensions.Options;
using SystemImage.Core.Configuration;
using SystemImage.Core.Publishing;
using Xunit;

namespace SystemImage.Core.Tests.Publishing;

public sealed class PublishLockTests
{
    [Fact]
    public async Task TwoLocksOnTheSameDataDirectoryNeverOverlap()
    {
        var dir = Path.Combine(Path.GetTempPath(), "si-lock-" + Guid.NewGuid().ToString("N"));
        var options = Options.Create(new SystemImageOptions { DataDir = dir });
        using var first = new PublishLock(options);
        using var second = new PublishLock(options);

        var held = await first.AcquireAsync(CancellationToken.None);
        var waiting = second.AcquireAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the second lock (another process's view) must wait");

        await held.DisposeAsync();
        await using (await waiting.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.True(waiting.IsCompletedSuccessfully);
        }

        Directory.Delete(dir, recursive: true);
    }
}
