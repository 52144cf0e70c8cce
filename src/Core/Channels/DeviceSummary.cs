namespace SystemImage.Core.Channels;

/// <summary>A device as listings show it: its index path, optional keyring and per-device redirect.</summary>
public sealed record DeviceSummary(string Name, string Index, string? Keyring, string? Redirect);
