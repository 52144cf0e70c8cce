namespace SystemImage.Core.Publishing;

/// <summary>What a publish run must bring up to date. channels.json is always rendered.</summary>
public sealed record PublishRequest
{
    /// <summary>Render every index and keyring and remove stale device directories (start-up repair, re-sign).</summary>
    public bool Everything { get; init; }

    /// <summary>Re-sign files even when their content is unchanged (after a key rotation).</summary>
    public bool ForceSign { get; init; }

    /// <summary>Render the <c>gpg/</c> keyrings, not only missing ones (after a key is revoked: the blacklist).</summary>
    public bool Keyrings { get; init; }

    /// <summary>Channel/device pairs whose index.json (and keyring) may have changed.</summary>
    public IReadOnlyCollection<DeviceRef> Devices { get; init; } = [];

    /// <summary>Tree directories to delete once channels.json no longer references them.</summary>
    public IReadOnlyCollection<string> RemoveDirectories { get; init; } = [];

    public static PublishRequest ChannelsOnly { get; } = new();

    public static PublishRequest ForDevices(IEnumerable<DeviceRef> devices, IEnumerable<string>? removeDirectories = null) =>
        new() { Devices = [.. devices], RemoveDirectories = [.. removeDirectories ?? []] };

    public PublishRequest Merge(PublishRequest other) => new()
    {
        Everything = Everything || other.Everything,
        ForceSign = ForceSign || other.ForceSign,
        Keyrings = Keyrings || other.Keyrings,
        Devices = [.. Devices.Concat(other.Devices).Distinct()],
        RemoveDirectories = [.. RemoveDirectories.Concat(other.RemoveDirectories).Distinct()],
    };

    public static PublishRequest All { get; } = new() { Everything = true };

    /// <summary>This request as JSON, to be kept with a change that is not published yet.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this);

    public static PublishRequest FromJson(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<PublishRequest>(json) ?? throw new InvalidDataException("An empty publish request.");
}
