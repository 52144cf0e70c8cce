using System.Net;
using System.Text.Json.Nodes;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The real server with its data directory on a small tmpfs that fills up: an upload that runs out of space is a 507
/// with the reason, not a 500, and leaves nothing behind; a verb on the full disk says so in one line.
/// </summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly ServerProcess _server = new();
    private bool _mounted;

    public async Task InitializeAsync()
    {
        if (Tmpfs.UnavailableReason is not null && !Tmpfs.IsRequired)
        {
            return;
        }

        Tmpfs.Mount(_server.DataDir, megabytes: 32);
        _mounted = true;
        // The mount hides the key set ServerProcess put in the data directory.
        TestKeys.CopyTo(Path.Combine(_server.DataDir, "secrets"));
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (_mounted)
        {
            Tmpfs.Unmount(_server.DataDir);
            Directory.Delete(_server.DataDir, recursive: true);
        }
    }

    [TmpfsFact]
    public async Task AnUploadThatRunsOutOfSpaceIs507WithTheReasonAndLeavesNothingBehind()
    {
        var secret = await SetUpAsync();
        var build = SimpleTarball.WriteBuild(Path.Combine(Path.GetTempPath(), $"rootfs-{Guid.NewGuid():N}.tar.gz"), 1, files: 20_000);
        var filler = Tmpfs.Fill(_server.DataDir);
        using (var file = new FileStream(filler, FileMode.Open))
        {
            // Room for the server's own small writes (the token's last use), not for the upload.
            file.SetLength(file.Length - (3 << 20));
        }

        var before = TreeFiles();
        using var client = _server.TokenClient(secret, TimeSpan.FromMinutes(2));
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(build)), "ubuntu", "rootfs.tar.gz");
        File.Delete(build);

        using var response = await client.PostAsync(new Uri("/api/v1/channels/full/devices/mako/images", UriKind.Relative), form);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.InsufficientStorage, $"{response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("The server's disk is full (", JsonNode.Parse(body)!["detail"]!.GetValue<string>());
        Assert.Equal(before, TreeFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_server.DataDir, "state", "work")));
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync(new Uri("/api/v1/channels/full/devices/mako/images", UriKind.Relative)))!.AsArray());
    }

    [TmpfsFact]
    public async Task AVerbOnAFullDiskSaysSoInOneLine()
    {
        await SetUpAsync();
        Tmpfs.Fill(_server.DataDir);

        var result = await _server.RunVerbAsync("create-channel", "after-the-disk-filled");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the server's disk is full (", line);
        Assert.Contains("free some space", line);
    }

    private async Task<string> SetUpAsync()
    {
        Assert.Equal(0, (await _server.RunVerbAsync("create-channel", "full")).ExitCode);
        Assert.Equal(0, (await _server.RunVerbAsync("create-device", "full", "mako")).ExitCode);
        return await _server.CreateTokenAsync("uploader", "publisher");
    }

    private string TreeFiles()
    {
        var root = Path.Combine(_server.DataDir, "www");
        return string.Join('\n', Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(root, f)} {new FileInfo(f).Length}"));
    }
}
