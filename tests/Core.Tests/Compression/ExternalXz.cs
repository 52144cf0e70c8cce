using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Runs the system's <c>xz</c> over in-memory data (stdin to stdout).</summary>
internal static class ExternalXz
{
    public static Task<ToolRun> RunAsync(byte[] input, params string[] args) => ExternalTool.RunAsync("xz", input, args);

    /// <summary>Compresses with xz and the given options, e.g. <c>-9</c>.</summary>
    public static Task<byte[]> CompressAsync(byte[] data, params string[] options) => ExternalTool.CompressAsync("xz", data, options);

    public static async Task<byte[]> DecompressAsync(byte[] xz)
    {
        var run = await RunAsync(xz, "-d", "-c");
        Assert.True(run.ExitCode == 0, $"xz -d failed: {run.Error}");
        return run.Output;
    }

    public static async Task AssertIntegrityAsync(byte[] xz)
    {
        var run = await RunAsync(xz, "-t");
        Assert.True(run.ExitCode == 0, $"xz -t rejected the file: {run.Error}");
    }
}
