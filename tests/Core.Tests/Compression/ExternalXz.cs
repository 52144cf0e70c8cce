using System.Diagnostics;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Runs the system's <c>xz</c> over in-memory data (stdin to stdout).</summary>
internal static class ExternalXz
{
    public static async Task<XzRun> RunAsync(byte[] input, params string[] args)
    {
        var start = new ProcessStartInfo(Tools.Require("xz"))
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException("xz did not start.");
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
            // xz stopped reading (it rejected the input); its exit code and stderr say why.
        }

        await copyOutput;
        var error = await readError;
        await process.WaitForExitAsync();
        return new XzRun(process.ExitCode, output.ToArray(), error);
    }

    /// <summary>Compresses with xz and the given options, e.g. <c>-9</c>.</summary>
    public static async Task<byte[]> CompressAsync(byte[] data, params string[] options)
    {
        var run = await RunAsync(data, ["-c", .. options]);
        Assert.True(run.ExitCode == 0, $"xz {string.Join(' ', options)} failed: {run.Error}");
        return run.Output;
    }

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
