using SystemImage.Core.Operations;

namespace SystemImage.Core.Importing;

/// <summary>What one import did: its overall result and, per device, what was published or why not.</summary>
public sealed record ImportOutcome(OperationResult Result, IReadOnlyList<DeviceImport> Devices, TimeSpan Duration)
{
    public bool Published => Devices.Any(d => d.Version is not null);
}

/// <summary>One device's part of an import.</summary>
/// <param name="Version">The version published, or null when nothing was (nothing new, or cancelled).</param>
/// <param name="DeltaBases">The versions the new image got deltas from.</param>
/// <param name="Message">One line for the log.</param>
public sealed record DeviceImport(string Device, int? Version, IReadOnlyList<int> DeltaBases, string Message)
{
    public static DeviceImport Skipped(string device, string message) => new(device, null, [], message);
}
