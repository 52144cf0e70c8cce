namespace SystemImage.Core.Signing;

/// <summary>Public facts about a key, safe to show and log.</summary>
/// <param name="Name">Key name, e.g. <c>image-signing</c>.</param>
/// <param name="Fingerprint">V4 fingerprint, 40 uppercase hex digits.</param>
/// <param name="KeyId">Key id (low 64 bits of the fingerprint), 16 uppercase hex digits.</param>
/// <param name="Created">Creation time of the key.</param>
/// <param name="Expiry">When the key expires, or null when it never does.</param>
/// <param name="Bits">RSA modulus size in bits.</param>
public sealed record KeyInfo(string Name, string Fingerprint, string KeyId, DateTimeOffset Created, DateTimeOffset? Expiry, int Bits);
