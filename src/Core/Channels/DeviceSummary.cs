namespace SystemImage.Core.Channels;

/// <summary>A device as listings show it: its index path, optional keyring and per-device redirect.</summary>
public sealed record DeviceSummary(string Name, string Index, string? Keyring, string? Redirect)
{
    /// <summary>Whether <see cref="Keyring"/> holds keys uploaded for this device rather than the server's device-signing key.</summary>
    public bool KeyringUploaded { get; init; }

    /// <summary>The uploaded keyring's expiry, if it has one.</summary>
    public DateTimeOffset? KeyringExpiry { get; init; }
}
