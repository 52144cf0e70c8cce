using System.Diagnostics;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Images.Parts;

/// <summary>Runs the system's tar, gzip, xz, zstd, bzip2, python3 and sha256sum on files, as an operator would.</summary>
internal static class PartTools
{
    /// <summary>Runs <paramref name="tool"/> and returns its standard output; fails the test on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string tool, params string[] args)
    {
        using var process = Start(tool, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    /// <summary>Runs <paramref name="tool"/> with its standard output going to <paramref name="outputFile"/>.</summary>
    public static async Task RunToFileAsync(string outputFile, string tool, params string[] args)
    {
        using var process = Start(tool, args);
        var error = process.StandardError.ReadToEndAsync();
        await using (var output = File.Create(outputFile))
        {
            await process.StandardOutput.BaseStream.CopyToAsync(output);
        }

        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
    }

    public static async Task<string> Sha256SumAsync(string file) => (await RunAsync("sha256sum", "--", file)).Split(' ')[0];

    /// <summary>The bytes <c>xz -dc</c> makes of <paramref name="file"/>, after <c>xz -t</c> accepted it.</summary>
    public static async Task<byte[]> XzDecompressAsync(string file)
    {
        await RunAsync("xz", "-t", "--", file);
        var decoded = file + ".decoded";
        await RunToFileAsync(decoded, "xz", "-dc", "--", file);
        var bytes = await File.ReadAllBytesAsync(decoded);
        File.Delete(decoded);
        return bytes;
    }

    /// <summary>The entry names Python's <c>tarfile</c> reads from <paramref name="file"/> (any compression it knows), in order.</summary>
    public static async Task<string[]> PythonTarNamesAsync(string file) =>
        (await RunAsync("python3", "-c", "import sys, tarfile\nwith tarfile.open(sys.argv[1]) as t:\n    print('\\n'.join(m.name for m in t))", file))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static Process Start(string tool, string[] args)
    {
        var start = new ProcessStartInfo(Tools.Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
    }
}
