namespace SystemImage.Core.Publishing;

/// <summary>A device of a channel, by name.</summary>
public readonly record struct DeviceRef(string Channel, string Device)
{
    public override string ToString() => $"{Channel}/{Device}";
}
