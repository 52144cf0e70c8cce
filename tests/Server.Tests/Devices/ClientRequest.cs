namespace SystemImage.Server.Tests.Devices;

/// <summary>One run of the device client: a device of a channel at a build, in a mode of <c>run-client.sh</c>.</summary>
/// <param name="Mode"><c>dry-run</c>, <c>download</c> or <c>list-channels</c>.</param>
public sealed record ClientRequest(string Channel, string Device, int Build, string Mode)
{
    /// <summary>The trust anchor baked into the device (default: the archive-master keyring the server publishes).</summary>
    public string? ArchiveMaster { get; init; }

    /// <summary>The winning path the harness must see (<c>3</c>, <c>2:3</c>), or <c>none</c> for "Already up-to-date".</summary>
    public string? ExpectPath { get; init; }

    /// <summary>The device's phase, passed as <c>-p</c>; the suite always sets one (CI machines have no machine-id).</summary>
    public int? Percentage { get; init; } = 0;

    /// <summary><c>full</c> or <c>delta</c>: only paths of that kind (<c>-f</c>).</summary>
    public string? Filter { get; init; }

    /// <summary>
    /// A directory kept between runs (the harness's <c>KEEP_STATE=1</c>): the device keeps the keyrings it cached, as a
    /// phone does from one update to the next. Null: a device that never spoke to the server.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>list-channels: the channels that must be listed.</summary>
    public IReadOnlyList<string>? ExpectChannels { get; init; }

    public static ClientRequest DryRun(string channel, string device, int build, string expectPath) =>
        new(channel, device, build, "dry-run") { ExpectPath = expectPath };

    public static ClientRequest Download(string channel, string device, int build, string expectPath) =>
        new(channel, device, build, "download") { ExpectPath = expectPath };
}
