using System.Net;
using System.Net.Http.Headers;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// On a running server, after an upload and an import job: both SQLite databases with their WAL and shared-memory files
/// are 0600 and every directory under <c>state/</c> 0700, while the tree stays 0644 files in 0755 directories.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class DataFileModesTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)]
    public async Task DatabasesAndStateAreTheServersAloneAndTheTreeIsEveryones()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        await server.CreateAutoChannelAsync("modes");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri("/api/v1/channels/modes/import?wait=true", UriKind.Relative), null)).StatusCode);
        using var form = new MultipartFormDataContent();
        var build = SimpleTarball.WriteBuild(Path.Combine(server.DataDir, "rootfs.tar.gz"), 2);
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(build)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }, "ubuntu", "rootfs.tar.gz");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync(new Uri("/api/v1/channels/modes/devices/mako/images", UriKind.Relative), form)).StatusCode);

        var databases = Directory.GetFiles(server.DataDir, "*.db*");
        Assert.Contains(Path.Combine(server.DataDir, "hangfire.db"), databases);
        Assert.Contains(Path.Combine(server.DataDir, "systemimage.db-wal"), databases);
        Assert.All(databases, file => AssertMode(Private, file));
        var state = Path.Combine(server.DataDir, "state");
        Assert.All(Directory.GetDirectories(state, "*", SearchOption.AllDirectories).Prepend(state), directory => AssertMode(PrivateDirectory, directory));
        var tree = Path.Combine(server.DataDir, "www");
        Assert.All(Directory.GetFiles(tree, "*", SearchOption.AllDirectories), file => Assert.True(
            File.GetUnixFileMode(file).HasFlag(UnixFileMode.OtherRead), $"{file} is not readable by everyone"));
        Assert.All(Directory.GetDirectories(tree, "*", SearchOption.AllDirectories), directory => Assert.True(
            File.GetUnixFileMode(directory).HasFlag(UnixFileMode.OtherExecute), $"{directory} cannot be entered by everyone"));
    }

    private static void AssertMode(UnixFileMode expected, string path) =>
        Assert.True(File.GetUnixFileMode(path) == expected, $"{path} is {Convert.ToString((int)File.GetUnixFileMode(path), 8)}");
}
