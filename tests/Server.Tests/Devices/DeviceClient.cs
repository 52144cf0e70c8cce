using System.Diagnostics;
using SystemImage.TestUtilities;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// The real device updater (UBports <c>system-image-cli</c>) with its harness <c>run-client.sh</c>, from
/// <c>../shared/device-client</c> beside the checkout (or <c>$SYSTEMIMAGE_DEVICE_CLIENT</c>). It is the judge of the tree
/// we publish: it downloads and verifies what a phone would, with Debian's Python and GnuPG.
/// </summary>
public static class DeviceClient
{
    /// <summary>Where the client is looked for.</summary>
    public static string ExpectedPath { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("SYSTEMIMAGE_DEVICE_CLIENT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot.Path, "..", "shared", "device-client"));

    /// <summary>True when the harness and the client's sources are there.</summary>
    public static bool IsPresent { get; } =
        File.Exists(Path.Combine(ExpectedPath, "run-client.sh")) && File.Exists(Path.Combine(ExpectedPath, "system-image", "systemimage", "main.py"));

    /// <summary>True when the suite must run: on CI a missing client is a failure, not a skip.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>The one line said when the suite is not run.</summary>
    public static string AbsentMessage =>
        $"Device conformance suite not run: the real device client is not at {ExpectedPath} (set SYSTEMIMAGE_DEVICE_CLIENT; with CI=true its absence fails).";

    /// <summary>Fails with a clear message when the client is missing (the suite only runs without it on CI).</summary>
    public static void Require()
    {
        if (!IsPresent)
        {
            throw new InvalidOperationException(
                $"The device conformance suite needs the real device client at {ExpectedPath} (run-client.sh and system-image/); CI=true makes its absence a failure.");
        }
    }

    /// <summary>Runs the client once in <paramref name="request"/>'s mode against the tree <paramref name="server"/> serves.</summary>
    public static async Task<ClientRun> RunAsync(ServerProcess server, ClientRequest request)
    {
        Require();
        var work = request.StateDirectory ?? Directory.CreateTempSubdirectory("device-").FullName;
        try
        {
            var info = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                Path.Combine(ExpectedPath, "run-client.sh"), Path.Combine(ExpectedPath, "system-image"), "127.0.0.1",
                server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                request.ArchiveMaster ?? Path.Combine(server.DataDir, "www", "gpg", "archive-master.tar.xz"),
                request.Channel, request.Device, request.Build.ToString(System.Globalization.CultureInfo.InvariantCulture), work, request.Mode,
            })
            {
                info.ArgumentList.Add(argument);
            }

            foreach (var variable in new[] { "EXPECT_PATH", "PERCENTAGE", "FILTER", "EXPECT_CHANNELS", "KEEP_STATE", "EXTRA_ARGS" })
            {
                info.Environment.Remove(variable);
            }

            SetIf(info, "EXPECT_PATH", request.ExpectPath);
            SetIf(info, "PERCENTAGE", request.Percentage?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            SetIf(info, "FILTER", request.Filter);
            SetIf(info, "EXPECT_CHANNELS", request.ExpectChannels is null ? null : string.Join(' ', request.ExpectChannels));
            SetIf(info, "KEEP_STATE", request.StateDirectory is null ? null : "1");

            using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start run-client.sh.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            var command = Path.Combine(work, "cache", "ubuntu_command");
            var log = Path.Combine(work, "log", "client.log");
            return new ClientRun(
                process.ExitCode,
                await stdout,
                await stderr,
                File.Exists(command) ? await File.ReadAllLinesAsync(command) : [],
                File.Exists(log) ? await File.ReadAllTextAsync(log) : "");
        }
        finally
        {
            if (request.StateDirectory is null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static void SetIf(ProcessStartInfo info, string name, string? value)
    {
        if (value is not null)
        {
            info.Environment[name] = value;
        }
    }
}
