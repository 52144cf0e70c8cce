using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SystemImage.TestUtilities.CdImage;
using Xunit;

namespace SystemImage.Server.Tests.Devices;

/// <summary>
/// The real <c>systemimage</c> server on 127.0.0.1 with a tree published as users publish one: channels and devices made
/// by command-line verbs, builds published by <c>publish-image</c> and uploaded through the REST API with a CI token,
/// an automatic channel fed from a cdimage tree. Several channels and devices share the same builds, so they share
/// pool files. <c>channel.ini</c> names this server, so what a device believes after an update is checkable too.
/// </summary>
public sealed class DeviceFleet : IAsyncLifetime
{
    /// <summary>A channel name with slashes, as real deployments use.</summary>
    public const string Stable = "ubuntu-touch/stable";

    private HttpClient? _publisher;
    private HttpClient? _admin;

    public ServerProcess Server { get; private set; } = null!;

    public DeviceBuilds Builds { get; private set; } = null!;

    public CdImageTree CdImage { get; private set; } = null!;

    /// <summary>The REST API as a CI pipeline with a publisher token.</summary>
    public HttpClient Publisher => _publisher!;

    /// <summary>The REST API with an admin token.</summary>
    public HttpClient Admin => _admin!;

    public async Task InitializeAsync()
    {
        if (!DeviceClient.IsPresent && !DeviceClient.IsRequired)
        {
            return;
        }

        DeviceClient.Require();

        // Download counts reach the database a second after a download, for the adoption browser test.
        Server = await StartAsync(("SystemImage__Adoption__FlushSeconds", "1"));
        Builds = new DeviceBuilds(Path.Combine(Server.DataDir, "builds"));
        (_publisher, _admin) = (Server.TokenClient(await Server.CreateTokenAsync("ci", "publisher")), Server.TokenClient(await Server.CreateTokenAsync("ops", "admin")));
        await PublishFleetAsync();
    }

    public async Task DisposeAsync()
    {
        _publisher?.Dispose();
        _admin?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>
    /// A server of its own (for cases that change what the whole tree trusts), with channel.ini naming it and
    /// <paramref name="settings"/> as environment variables (e.g. <c>SystemImage__Adoption__FlushSeconds</c>).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(params (string Name, string Value)[] settings)
    {
        var server = new ServerProcess();
        server.Environment["SystemImage__PublicHost"] = "127.0.0.1";
        server.Environment["SystemImage__PublicHttpPort"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        server.Environment["SystemImage__PublicHttpsPort"] = "disabled";
        foreach (var (name, value) in settings)
        {
            server.Environment[name] = value;
        }

        await server.StartAsync();
        return server;
    }

    /// <summary>Runs a verb against the fleet's data directory; it must succeed.</summary>
    public Task<VerbResult> VerbAsync(params string[] args) => VerbAsync(Server, args);

    public static async Task<VerbResult> VerbAsync(ServerProcess server, params string[] args)
    {
        var result = await server.RunVerbAsync(args);
        Assert.True(result.ExitCode == 0, $"systemimage {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Uploads <paramref name="rootfs"/> as the <c>ubuntu</c> part of a new image, as CI does; returns the image.</summary>
    public async Task<JsonNode> UploadAsync(string channel, string device, string rootfs, int? phasedPercentage = null, string? description = null)
    {
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(File.OpenRead(rootfs));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        form.Add(content, "ubuntu", Path.GetFileName(rootfs));
        if (phasedPercentage is { } percentage)
        {
            form.Add(new StringContent(percentage.ToString(System.Globalization.CultureInfo.InvariantCulture)), "phasedPercentage");
        }

        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }

        return await ApiClient.JsonAsync(Publisher.PostAsync(new Uri($"/api/v1/channels/{Segment(channel)}/devices/{Segment(device)}/images", UriKind.Relative), form));
    }

    public Task<JsonNode> PutAsync(HttpClient client, string path, object body) =>
        ApiClient.JsonAsync(client.PutAsJsonAsync(new Uri("/api/v1" + path, UriKind.Relative), body));

    public Task<JsonNode> PostAsync(HttpClient client, string path, object? body = null) =>
        ApiClient.JsonAsync(client.PostAsJsonAsync(new Uri("/api/v1" + path, UriKind.Relative), body ?? new { }));

    public static string Segment(string name) => Uri.EscapeDataString(name);

    /// <summary>A tree file's path on disk.</summary>
    public string TreeFile(string treePath) => Path.Combine(Server.DataDir, "www", treePath.TrimStart('/'));

    /// <summary>The file records of <paramref name="version"/> (full, or the delta from <paramref name="deltaBase"/>) in a device's published index.</summary>
    public async Task<IReadOnlyList<string>> FilesOfAsync(string channel, string device, int version, int? deltaBase = null)
    {
        var index = JsonNode.Parse(await Server.Http.GetStringAsync(new Uri($"/{channel}/{device}/index.json", UriKind.Relative)))!;
        var image = index["images"]!.AsArray().Single(i =>
            i!["version"]!.GetValue<int>() == version
            && (deltaBase is null ? i["type"]!.GetValue<string>() == "full" : i["base"]?.GetValue<int>() == deltaBase));
        return [.. image!["files"]!.AsArray().Select(f => Path.GetFileName(f!["path"]!.GetValue<string>()))];
    }

    private async Task PublishFleetAsync()
    {
        // ubuntu-touch/stable: mako published by the operator's verb, flo (own device keyring) uploaded by CI.
        await VerbAsync("create-channel", Stable);
        await VerbAsync("create-device", Stable, "mako");
        await VerbAsync("create-device", Stable, "flo", "--keyring");
        foreach (var build in new[] { 1, 2, 3 })
        {
            await VerbAsync("publish-image", Stable, "mako", $"ubuntu={Builds.Rootfs(build)}", "--description", $"build {build}");
            await UploadAsync(Stable, "flo", Builds.Rootfs(build));
        }

        // rc (builds 1 and 2) and the alias daily that follows it until a case re-targets it.
        await VerbAsync("create-channel", "rc");
        await VerbAsync("create-device", "rc", "mako");
        await VerbAsync("publish-image", "rc", "mako", $"ubuntu={Builds.Rootfs(1)}");
        await VerbAsync("publish-image", "rc", "mako", $"ubuntu={Builds.Rootfs(2)}");
        await VerbAsync("create-alias", "daily", "rc");

        // phased: mako's version 2 at 50 % (verb), flo's pulled to 0 % through the API.
        await VerbAsync("create-channel", "phased");
        await VerbAsync("create-device", "phased", "mako");
        await VerbAsync("create-device", "phased", "flo");
        await VerbAsync("publish-image", "phased", "mako", $"ubuntu={Builds.Rootfs(1)}");
        await VerbAsync("publish-image", "phased", "mako", $"ubuntu={Builds.Rootfs(2)}", "--phased-percentage", "50");
        await UploadAsync("phased", "flo", Builds.Rootfs(1));
        await UploadAsync("phased", "flo", Builds.Rootfs(2));
        await PutAsync(Publisher, "/channels/phased/devices/flo/images/2/phased-percentage", new { percentage = 0 });

        // legacy, which a case renames; tamper, whose files a case changes behind the server's back (builds of their own).
        await VerbAsync("create-channel", "legacy");
        await VerbAsync("create-device", "legacy", "mako");
        await VerbAsync("publish-image", "legacy", "mako", $"ubuntu={Builds.Rootfs(1)}");
        await VerbAsync("publish-image", "legacy", "mako", $"ubuntu={Builds.Rootfs(2)}");
        await VerbAsync("create-channel", "tamper");
        await VerbAsync("create-device", "tamper", "mako");
        await VerbAsync("create-device", "tamper", "flo");
        await VerbAsync("publish-image", "tamper", "mako", $"ubuntu={Builds.Rootfs(1, "tampered")}");
        await UploadAsync("tamper", "flo", Builds.Rootfs(1));

        // edge: a hidden channel (through the API) whose mako is a per-device redirect to ubuntu-touch/stable.
        await PostAsync(Admin, "/channels", new { name = "edge", hidden = true });
        await PostAsync(Admin, "/channels/edge/devices", new { name = "mako", redirect = Stable });

        // auto: an automatic channel of a re-packed cdimage rootfs and the version tarball, imported once.
        CdImage = new CdImageTreeBuilder(seed: 7).WithSeries("vivid").WithArchitectures("armhf").Build(Path.Combine(Server.DataDir, "cdimage"));
        CdImage.AddBuild("20261125");
        var ini = Path.Combine(Server.DataDir, "auto.ini");
        await File.WriteAllTextAsync(ini, $"""
            [global]
            channels = auto

            [channel_auto]
            type = auto
            versionbase = 1
            fullcount = 5
            files = ubuntu, version
            file_ubuntu = cdimage-ubuntu;{CdImage.Root};vivid;import=any
            file_version = version
            """);
        await VerbAsync("import-config", ini);
        await VerbAsync("create-device", "auto", "mako");
        await VerbAsync("import-images", "--channel", "auto");
    }
}
