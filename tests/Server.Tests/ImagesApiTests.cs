using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence;
using SystemImage.Core.Persistence.Entities;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The image routes over a real Kestrel: upload, list, read, phase, describe, tag, copy, remove, and bad uploads.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class ImagesApiTests(ImagesApiTests.SmallUploads server) : IClassFixture<ImagesApiTests.SmallUploads>
{
    /// <summary>The server with a 2 MB upload limit, so the 413 case is cheap.</summary>
    public sealed class SmallUploads : InProcessServer
    {
        protected override IEnumerable<string> ExtraArguments => ["--SystemImage:Api:MaxUploadBytes=2000000"];
    }

    private const string Channel = "ubuntu-touch/devel/ubuntu";
    private static readonly string Segment = Uri.EscapeDataString(Channel);

    private async Task<(HttpClient Admin, HttpClient Publisher, HttpClient Viewer)> SetUpAsync(string channel = Channel, params string[] devices)
    {
        var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        await admin.PostAsJsonAsync("/api/v1/channels", new { name = channel });
        foreach (var device in devices.Length == 0 ? ["mako"] : devices)
        {
            await admin.PostAsJsonAsync($"/api/v1/channels/{Uri.EscapeDataString(channel)}/devices", new { name = device });
        }

        return (admin, await ApiClient.WithRoleAsync(server, Role.Publisher), await ApiClient.WithRoleAsync(server, Role.Viewer));
    }

    private string Build(int build, string name = "rootfs") =>
        SimpleTarball.WriteBuild(Path.Combine(server.DataDir, $"{name}-{build}-{Guid.NewGuid():N}.tar.gz"), build);

    private static MultipartFormDataContent Upload(params (string Part, string File)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (part, file) in files)
        {
            var content = new StreamContent(File.OpenRead(file));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, part, Path.GetFileName(file).Contains(".tar", StringComparison.Ordinal) ? "build" + file[file.IndexOf(".tar", StringComparison.Ordinal)..] : Path.GetFileName(file));
        }

        return form;
    }

    [Fact]
    public async Task UploadListPhaseDescribeTagCopyAndRemove()
    {
        var (admin, publisher, viewer) = await SetUpAsync();
        var images = $"/api/v1/channels/{Segment}/devices/mako/images";

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", Build(1))))).StatusCode);
        var first = await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", Build(1))));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var form = Upload(("ubuntu", Build(2)));
        form.Add(new StringContent("50"), "phasedPercentage");
        form.Add(new StringContent("Second build"), "description");
        var second = await publisher.PostAsync(new Uri(images, UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var image = (await second.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((2, 50, "Second build"), (image["version"]!.GetValue<int>(), image["phasedPercentage"]!.GetValue<int>(), image["description"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", Build(2))))).StatusCode);

        var listed = await ApiClient.JsonAsync(viewer.GetAsync(new Uri(images, UriKind.Relative)));
        Assert.Equal(["delta", "full", "full"], listed.AsArray().Select(i => i!["type"]!.GetValue<string>()).Order());
        Assert.Single((await ApiClient.JsonAsync(viewer.GetAsync(new Uri($"{images}?type=delta", UriKind.Relative)))).AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync(new Uri($"{images}?type=partial", UriKind.Relative))).StatusCode);
        Assert.Equal(1, (await ApiClient.JsonAsync(viewer.GetAsync(new Uri($"{images}/2?type=delta&base=1", UriKind.Relative))))["base"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync(new Uri($"{images}/2?type=delta", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(new Uri($"{images}/9", UriKind.Relative))).StatusCode);

        var phased = await publisher.PutAsJsonAsync($"{images}/2/phased-percentage", new { percentage = 80 });
        Assert.Equal(80, (await phased.Content.ReadFromJsonAsync<JsonObject>())!["phasedPercentage"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, (await publisher.PutAsJsonAsync($"{images}/1/phased-percentage", new { percentage = 80 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await publisher.PutAsJsonAsync($"{images}/2/phased-percentage", new { percentage = 101 })).StatusCode);
        var described = await publisher.PutAsJsonAsync($"{images}/2/description", new { description = "Fixes", translations = new Dictionary<string, string> { ["de"] = "Korrekturen" } });
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri($"/{Channel}/mako/index.json", UriKind.Relative)))!;
        Assert.Contains(index["images"]!.AsArray(), i => i!["description_de"]?.GetValue<string>() == "Korrekturen");

        var tagged = await publisher.PostAsJsonAsync($"{images}/2/tag", new { tag = "rc1" });
        Assert.Equal(HttpStatusCode.Created, tagged.StatusCode);
        Assert.EndsWith("tag=rc1,version=3", (await tagged.Content.ReadFromJsonAsync<JsonObject>())!["versionDetail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await publisher.PostAsJsonAsync($"{images}/2/tag", new { tag = "a,b" })).StatusCode);

        await admin.PostAsJsonAsync("/api/v1/channels", new { name = "ubuntu-touch/stable/ubuntu", copyDevicesFrom = Channel });
        var stableImages = $"/api/v1/channels/{Uri.EscapeDataString("ubuntu-touch/stable/ubuntu")}/devices/mako/images";
        var copied = await publisher.PostAsJsonAsync($"{stableImages}/copy", new { fromChannel = Channel, phasedPercentage = 10 });
        Assert.Equal(HttpStatusCode.Created, copied.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await publisher.PostAsJsonAsync($"{stableImages}/copy", new { fromChannel = Channel })).StatusCode);
        var stable = $"/api/v1/channels/{Uri.EscapeDataString("ubuntu-touch/stable/ubuntu")}";
        var preview = await ApiClient.JsonAsync(viewer.GetAsync(new Uri($"{stable}/promote?fromChannel={Segment}", UriKind.Relative)));
        Assert.StartsWith("Would promote", preview["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"{stable}/promote", new { fromChannel = Channel })).StatusCode);
        var promoted = await ApiClient.JsonAsync(publisher.PostAsJsonAsync($"{stable}/promote", new { fromChannel = Channel, phasedPercentage = 30 }));
        Assert.Equal("mako", promoted["devices"]![0]!["device"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await publisher.PostAsJsonAsync($"{stable}/promote", new { fromChannel = "nope" })).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync(new Uri($"{images}/2?type=delta&base=1", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await publisher.DeleteAsync(new Uri($"{images}/2?type=delta&base=1", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await publisher.DeleteAsync(new Uri($"{images}/2?type=delta&base=1", UriKind.Relative))).StatusCode);
        foreach (var entry in index["images"]!.AsArray().SelectMany(i => i!["files"]!.AsArray()))
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(new Uri(entry!["path"]!.GetValue<string>(), UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task BadUploadsAreRefusedAndLeaveTreeAndDatabaseUnchanged()
    {
        var (_, publisher, _) = await SetUpAsync("bad-uploads");
        var images = "/api/v1/channels/bad-uploads/devices/mako/images";
        var before = await SnapshotAsync();
        var evil = SimpleTarball.WriteTarGz(Path.Combine(server.DataDir, $"evil-{Guid.NewGuid():N}.tar.gz"), [("system/etc/ok", "fine\n"), ("../../etc/passwd", "root::0:0\n")]);

        var escaping = await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", evil)));
        Assert.Equal(HttpStatusCode.BadRequest, escaping.StatusCode);
        Assert.Contains("'..'", (await escaping.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());

        var named = Path.Combine(server.DataDir, $"rootfs-{Guid.NewGuid():N}.zip");
        File.WriteAllText(named, "zip");
        var badName = await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", named)));
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);

        var big = Path.Combine(server.DataDir, $"big-{Guid.NewGuid():N}.tar");
        await File.WriteAllBytesAsync(big, RandomNumberGenerator.GetBytes(3_000_000));
        // As curl does for large bodies: the server's 413 arrives before the body is sent.
        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, images) { Content = Upload(("ubuntu", big)) };
        tooLarge.Headers.ExpectContinue = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await publisher.SendAsync(tooLarge)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await publisher.PostAsync(new Uri("/api/v1/channels/bad-uploads/devices/nope/images", UriKind.Relative), Upload(("ubuntu", Build(1))))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await publisher.PostAsync(new Uri(images, UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);

        await CutOffUploadAsync(images, publisher.DefaultRequestHeaders.Authorization!.Parameter!);

        Assert.True(await InProcessServer.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateDirectories(Path.Combine(server.DataDir, "state", "work"), "upload-*").Any()), 10));
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task UploadsOfTarZstAndTarBz2BecomeTarXzPoolFilesEveryReaderAgreesOn()
    {
        var (_, publisher, _) = await SetUpAsync("ci-formats");
        var images = "/api/v1/channels/ci-formats/devices/mako/images";
        var rootfs = SimpleTarball.WriteBuildWith("zstd", Path.Combine(server.DataDir, $"rootfs-{Guid.NewGuid():N}.tar.zst"), 1);
        var device = SimpleTarball.WriteBuildWith("bzip2", Path.Combine(server.DataDir, $"device-{Guid.NewGuid():N}.tar.bz2"), 2, files: 20);

        var uploaded = await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", rootfs), ("device", device)));

        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var index = JsonNode.Parse(await server.Http.GetStringAsync(new Uri("/ci-formats/mako/index.json", UriKind.Relative)))!;
        var files = index["images"]![0]!["files"]!.AsArray();
        Assert.Equal(3, files.Count);
        foreach (var (file, input) in files.Take(2).Zip([rootfs, device]))
        {
            var path = file!["path"]!.GetValue<string>();
            Assert.EndsWith($"-{Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(input)))}.tar.xz", path, StringComparison.Ordinal);
            var published = await server.Http.GetByteArrayAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(file["size"]!.GetValue<long>(), published.Length);
            Assert.Equal(file["checksum"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(published)));
            var local = Path.Combine(server.DataDir, "www", path.TrimStart('/'));
            Assert.Equal(TarReaders.Gnu(input), TarReaders.AssertAgree(local));
        }
    }

    [Fact]
    public async Task ATruncatedTarZstOrACorruptTarBz2IsRefusedNamingItsFormatAndLeavesNoTrace()
    {
        var (_, publisher, _) = await SetUpAsync("bad-ci-formats");
        var images = "/api/v1/channels/bad-ci-formats/devices/mako/images";
        var before = await SnapshotAsync();
        var zst = await File.ReadAllBytesAsync(SimpleTarball.WriteBuildWith("zstd", Path.Combine(server.DataDir, $"rootfs-{Guid.NewGuid():N}.tar.zst"), 1));
        var truncated = Path.Combine(server.DataDir, $"cut-{Guid.NewGuid():N}.tar.zst");
        await File.WriteAllBytesAsync(truncated, zst[..(zst.Length / 2)]);
        var bz2 = await File.ReadAllBytesAsync(SimpleTarball.WriteBuildWith("bzip2", Path.Combine(server.DataDir, $"rootfs-{Guid.NewGuid():N}.tar.bz2"), 1));
        bz2[bz2.Length / 2] ^= 0x55;
        var corrupt = Path.Combine(server.DataDir, $"corrupt-{Guid.NewGuid():N}.tar.bz2");
        await File.WriteAllBytesAsync(corrupt, bz2);

        var cut = await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", truncated)));
        var flipped = await publisher.PostAsync(new Uri(images, UriKind.Relative), Upload(("ubuntu", corrupt)));

        Assert.Equal(HttpStatusCode.BadRequest, cut.StatusCode);
        Assert.Contains("(ubuntu.tar.zst): the zstd data is truncated", (await cut.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, flipped.StatusCode);
        Assert.Contains("(ubuntu.tar.bz2): the bzip2 data is corrupt", (await flipped.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(await InProcessServer.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateDirectories(Path.Combine(server.DataDir, "state", "work"), "upload-*").Any()), 10));
        Assert.Equal(before, await SnapshotAsync());
    }

    /// <summary>Sends the headers and half of a multipart body, then drops the connection.</summary>
    private async Task CutOffUploadAsync(string path, string secret)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var tar = await File.ReadAllBytesAsync(Build(7));
        var head = $"--b0undary\r\nContent-Disposition: form-data; name=\"ubuntu\"; filename=\"rootfs.tar.gz\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        var request = $"POST {path} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nAuthorization: Bearer {secret}\r\n"
            + $"Content-Type: multipart/form-data; boundary=b0undary\r\nContent-Length: {head.Length + tar.Length + 100}\r\n\r\n{head}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await stream.WriteAsync(tar.AsMemory(0, tar.Length / 2));
        await stream.FlushAsync();
        await Task.Delay(300);
        tcp.Client.Close();
    }

    /// <summary>Every file of the tree with its hash, and the database's image and pool rows.</summary>
    private async Task<string> SnapshotAsync()
    {
        var root = Path.Combine(server.DataDir, "www");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(root, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}");
        await using var db = await server.Get<IDbContextFactory<SystemImageDbContext>>().CreateDbContextAsync();
        return string.Join('\n', files) + $"\nimages {await db.Images.CountAsync()} pool {await db.PoolFiles.CountAsync()}";
    }
}
