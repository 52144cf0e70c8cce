using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Images;

/// <summary>A planned channel phasing: the channel, or why it is refused, and per device its result and the entries to change.</summary>
internal sealed class PhasePlan(Channel? channel)
{
    public Channel? Channel { get; } = channel;

    public OperationResult? Refusal { get; private init; }

    public List<(DevicePhase Result, List<Image> Entries)> Devices { get; } = [];

    public List<(DevicePhase Result, List<Image> Entries)> Changes => [.. Devices.Where(d => d.Entries.Count > 0)];

    public IReadOnlyList<DevicePhase> Results => [.. Devices.Select(d => d.Result)];

    public static PhasePlan Refused(OperationResult refusal) => new(null) { Refusal = refusal };
}
