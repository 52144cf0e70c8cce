using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SystemImage.Core.Signing;

/// <summary>What a keyring tarball holds: the fields of <c>keyring.json</c> and the keys of <c>keyring.gpg</c>.</summary>
/// <param name="Type">Keyring type, e.g. <c>image-signing</c>; must match the tarball's name.</param>
/// <param name="Expiry">When devices stop trusting the keyring, or null.</param>
/// <param name="Model">The device model the keyring is restricted to, or null.</param>
/// <param name="Keys">The public keys.</param>
public sealed record KeyringContents(string Type, DateTimeOffset? Expiry, string? Model, PgpPublicKeyRingBundle Keys);
