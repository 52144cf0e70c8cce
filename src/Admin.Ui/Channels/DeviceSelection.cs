namespace SystemImage.Admin.Ui.Channels;

/// <summary>
/// The devices a channel-wide action covers: every device unless some are unticked. Only the unticked ones are kept,
/// so a device added to the channel while the page is open is covered, as the Core services do with no subset.
/// </summary>
public sealed class DeviceSelection
{
    private readonly HashSet<string> _unticked = new(StringComparer.Ordinal);

    public bool IsTicked(string device) => !_unticked.Contains(device);

    public void Set(string device, bool ticked)
    {
        if (ticked)
        {
            _unticked.Remove(device);
        }
        else
        {
            _unticked.Add(device);
        }
    }

    /// <summary>The subset to pass to Core, or null for every device of the channel (nothing of <paramref name="devices"/> unticked).</summary>
    public IReadOnlyCollection<string>? Chosen(IReadOnlyList<string> devices) =>
        devices.Any(d => _unticked.Contains(d)) ? [.. devices.Where(IsTicked)] : null;

    /// <summary>True when no device of <paramref name="devices"/> is ticked.</summary>
    public bool IsEmpty(IReadOnlyList<string> devices) => !devices.Any(IsTicked);
}
