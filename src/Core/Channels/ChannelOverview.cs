using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Channels;

/// <summary>A channel as the admin UI's overview and channel page show it: its kind, devices with their latest image, import state.</summary>
public sealed record ChannelOverview(string Name, bool Hidden, string? Alias, string? Redirect, IReadOnlyList<DeviceOverview> Devices)
{
    /// <summary>Manual, or automatic (the importer builds its images).</summary>
    public ChannelType Type { get; init; }

    /// <summary>True when an automatic channel's imports are paused.</summary>
    public bool ImportPaused { get; init; }

    /// <summary>The channel's queued or running import, if any.</summary>
    public ActiveImport? ActiveImport { get; init; }

    /// <summary>What kind of channel it is: <c>alias</c>, <c>redirect</c>, <c>auto</c> or <c>manual</c>.</summary>
    public string Kind => Alias is not null ? "alias" : Redirect is not null ? "redirect" : Type == ChannelType.Auto ? "auto" : "manual";
}

/// <summary>A queued or running import: its run (see <see cref="Importing.ImportRuns"/>) and state.</summary>
public sealed record ActiveImport(int RunId, ImportRunState State);
