namespace SystemImage.Core.Channels;

/// <summary>
/// A channel to create (SPEC §4): plain, an alias of <see cref="Alias"/> or a redirect to <see cref="Redirect"/>
/// (exclusive); a plain channel may take every device of <see cref="CopyDevicesFrom"/>.
/// </summary>
public sealed record NewChannel(string Name)
{
    /// <summary>Hidden from user-facing channel lists; null is the default (visible, but a redirect is always hidden).</summary>
    public bool? Hidden { get; init; }

    public string? Alias { get; init; }

    public string? Redirect { get; init; }

    public string? CopyDevicesFrom { get; init; }
}
