using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Signing;

namespace SystemImage.TestUtilities;

/// <summary>A public key the server has never held (a vendor's, say), as <c>gpg --export --armor</c> gives it.</summary>
/// <param name="Fingerprint">The primary key's fingerprint, 40 uppercase hex digits.</param>
/// <param name="Armored">The ASCII-armored transferable public key.</param>
public sealed record ForeignKey(string Fingerprint, string Armored)
{
    /// <summary>A new RSA 2048 signing key.</summary>
    public static ForeignKey Create(string name = "vendor")
    {
        var ring = new KeyGenerator(TimeProvider.System).Generate(name, 2048, validity: null);
        using var buffer = new MemoryStream();
        using (var armor = new ArmoredOutputStream(buffer))
        {
            foreach (PgpPublicKey key in ring.GetPublicKeys())
            {
                key.Encode(armor);
            }
        }

        return new ForeignKey(Convert.ToHexString(ring.GetPublicKey().GetFingerprint()), System.Text.Encoding.ASCII.GetString(buffer.ToArray()));
    }
}
