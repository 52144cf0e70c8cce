namespace SystemImage.Core.Generators;

/// <summary>Where a remote channels.json says a device's index is, and the device's own keyring if it has one.</summary>
internal sealed record RemoteDevice(string Channel, string Index, string? KeyringPath, string? KeyringSignature);
