using System.Diagnostics;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Runs the system's compressors (<c>xz</c>, <c>zstd</c>, <c>bzip2</c>…) over in-memory data (stdin to stdout).</summary>
internal static class ExternalTool
{
    public static async Task<ToolRun> RunAsync(string tool, byte[] input, params string[] args)
    {
        var start = new ProcessStartInfo(Tools.Require(tool))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        using var output = new MemoryStream();
        var copyOutput = process.StandardOutput.BaseStream.CopyToAsync(output);
        var readError = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool stopped reading (it rejected the input); its exit code and stderr say why.
        }

        await copyOutput;
        var error = await readError;
        await process.WaitForExitAsync();
        return new ToolRun(process.ExitCode, output.ToArray(), error);
    }

    /// <summary>Runs <paramref name="tool"/> with <c>-c</c> and <paramref name="options"/>, e.g. <c>zstd -c -19</c>, and returns what it wrote.</summary>
    public static async Task<byte[]> CompressAsync(string tool, byte[] data, params string[] options)
    {
        var run = await RunAsync(tool, data, ["-c", .. options]);
        Assert.True(run.ExitCode == 0, $"{tool} {string.Join(' ', options)} failed: {run.Error}");
        return run.Output;
    }
}
