using System.Diagnostics;
using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Xunit;

namespace SystemImage.TestUtilities;

/// <summary>
/// Lists a tarball's entry names with three independent readers: GNU tar, .NET's <see cref="TarReader"/> and Python's
/// <c>tarfile</c> (what devices unpack keyrings with). Python reads bytes 345–500 of every header as the ustar name
/// prefix even in GNU headers, so a writer that fills GNU atime/ctime makes Python see other names than the rest.
/// </summary>
public static class TarReaders
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // Prints the names as one JSON array, so any name survives the trip; tarfile drops a directory's trailing slash.
    private const string PythonLister =
        "import json, sys, tarfile\n" +
        "with tarfile.open(sys.argv[1]) as archive:\n" +
        "    json.dump(archive.getnames(), sys.stdout)\n";

    /// <summary>
    /// Asserts that the three readers list the same entry names, in the same order, for the tarball at
    /// <paramref name="path"/> (plain, or compressed as its name says: <c>.tar.xz</c>, <c>.tar.gz</c>), and returns them.
    /// </summary>
    public static IReadOnlyList<string> AssertAgree(string path)
    {
        var dotnet = DotNet(path);
        var gnu = Gnu(path);
        var python = Python(path);
        Assert.True(dotnet.SequenceEqual(gnu), $"{path}: GNU tar lists [{string.Join(", ", gnu)}], .NET [{string.Join(", ", dotnet)}]");
        Assert.True(dotnet.SequenceEqual(python), $"{path}: Python's tarfile lists [{string.Join(", ", python)}], .NET [{string.Join(", ", dotnet)}]");
        return dotnet;
    }

    /// <summary>The names as .NET's TarReader reads them (decompressing with the xz or gzip tool), without trailing slashes.</summary>
    public static IReadOnlyList<string> DotNet(string path)
    {
        var tar = Decompressed(path);
        var names = new List<string>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType != TarEntryType.GlobalExtendedAttributes)
            {
                names.Add(Trimmed(entry.Name));
            }
        }

        return names;
    }

    /// <summary>The names as <c>tar -t</c> prints them, without trailing slashes.</summary>
    public static IReadOnlyList<string> Gnu(string path)
    {
        var output = Run(Tools.Require("tar"), ["--quoting-style=literal", "-tf", Path.GetFullPath(path)]);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Trimmed)];
    }

    /// <summary>The names as Python's <c>tarfile</c> gives them (<c>getnames()</c>).</summary>
    public static IReadOnlyList<string> Python(string path)
    {
        // Debian's interpreter, the one the device client runs on, when there is one.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : Tools.Require("python3");
        var output = Run(python, ["-c", PythonLister, Path.GetFullPath(path)]);
        return JsonSerializer.Deserialize<List<string>>(output) ?? [];
    }

    private static byte[] Decompressed(string path)
    {
        if (path.EndsWith(".tar", StringComparison.Ordinal))
        {
            return File.ReadAllBytes(path);
        }

        var tool = path.EndsWith(".gz", StringComparison.Ordinal) ? "gzip" : "xz";
        using var process = Start(Tools.Require(tool), ["-dc", Path.GetFullPath(path)]);
        using var buffer = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(buffer);
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new TimeoutException($"{tool} -dc {path} did not finish.");
        }

        copy.Wait();
        Assert.True(process.ExitCode == 0, $"{tool} -dc {path}: exit {process.ExitCode}: {errors.Result}");
        return buffer.ToArray();
    }

    private static string Run(string tool, string[] arguments)
    {
        using var process = Start(tool, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new TimeoutException($"{tool} did not finish.");
        }

        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(tool)} {string.Join(' ', arguments.Skip(arguments.Length - 1))}: exit {process.ExitCode}: {errors.Result}");
        return output.Result;
    }

    private static Process Start(string tool, string[] arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {tool}.");
    }

    private static string Trimmed(string name) => name.Length > 1 ? name.TrimEnd('/') : name;
}
