using SystemImage.Core.Storage;
using Xunit;

namespace SystemImage.Core.Tests.Storage;

public sealed class WorkAreaTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("workarea-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public void SweepRemovesWhatADeadOwnerLeftAndKeepsLiveWork()
    {
        using var live = WorkArea.Create(_state, "publish");
        File.WriteAllText(Path.Combine(live.Path, "part.tar.xz"), "in progress");

        // What a killed process leaves: the directory and its owner file, with no lock held on it.
        var dead = Path.Combine(WorkArea.WorkRoot(_state), "import-dead");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, ".owner"), "");
        File.WriteAllText(Path.Combine(dead, "download.tar.xz"), "half");
        File.WriteAllText(Path.Combine(WorkArea.WorkRoot(_state), "delta-1.tar.xz"), "loose");

        Assert.Equal(1, WorkArea.Sweep(_state, includeLooseFiles: false));
        Assert.False(Directory.Exists(dead));
        Assert.True(File.Exists(Path.Combine(live.Path, "part.tar.xz")));
        Assert.True(File.Exists(Path.Combine(WorkArea.WorkRoot(_state), "delta-1.tar.xz")));

        Assert.Equal(1, WorkArea.Sweep(_state, includeLooseFiles: true));
        Assert.True(Directory.Exists(live.Path));
    }

    [Fact]
    public void DisposingRemovesTheDirectory()
    {
        var area = WorkArea.Create(_state, "import");
        File.WriteAllText(Path.Combine(area.Path, "x"), "x");

        area.Dispose();

        Assert.False(Directory.Exists(area.Path));
    }
}
