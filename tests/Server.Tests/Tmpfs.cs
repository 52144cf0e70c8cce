using System.Diagnostics;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// A small tmpfs, mounted over a directory, to fill a disk for real (the tests run as root in CI). Where mounting is not
/// allowed the tests that need one are skipped with the reason, except with <c>CI=true</c>, where they fail.
/// </summary>
internal static class Tmpfs
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Why no tmpfs can be mounted here, or null when one can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    public static bool IsRequired => Environment.GetEnvironmentVariable("CI") == "true";

    public static void Mount(string directory, int megabytes)
    {
        if (Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", directory) is { } error)
        {
            throw new InvalidOperationException($"Could not mount a tmpfs on {directory}: {error}");
        }
    }

    public static void Unmount(string directory) => Run("umount", "--lazy", directory);

    /// <summary>Writes zeros into <paramref name="directory"/> until the file system is full; returns the file.</summary>
    public static string Fill(string directory)
    {
        var path = Path.Combine(directory, "filler");
        var chunk = new byte[64 << 10];
        using var file = File.Create(path);
        try
        {
            while (true)
            {
                file.Write(chunk);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // Full.
        }

        return path;
    }

    private static string? Probe()
    {
        var directory = Directory.CreateTempSubdirectory("tmpfs-probe-").FullName;
        try
        {
            if (Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", directory) is { } error)
            {
                return $"a tmpfs cannot be mounted here ({error})";
            }

            Run("umount", directory);
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"a tmpfs cannot be mounted here ({e.Message})";
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    /// <summary>Runs a command; its stderr when it fails, null when it succeeds.</summary>
    private static string? Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{command} exited with {process.ExitCode}: {error.Trim()}";
    }
}

/// <summary>A fact that needs a tmpfs: skipped, with the reason as its name, where none can be mounted (unless <c>CI=true</c>).</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.UnavailableReason is { } reason && !Tmpfs.IsRequired)
        {
            Skip = $"Disk-full test not run: {reason} (with CI=true this fails instead).";
        }
    }
}
