using Org.BouncyCastle.Bcpg.OpenPgp;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

/// <summary>Parses armored signatures with BouncyCastle for inspecting their packets.</summary>
public static class Signatures
{
    public static PgpSignature Parse(byte[] armored)
    {
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(armored));
        var list = Assert.IsType<PgpSignatureList>(new PgpObjectFactory(input).NextPgpObject());
        Assert.Equal(1, list.Count);
        return list[0];
    }

    public static bool VerifiesWith(byte[] armored, byte[] data, PgpPublicKey key)
    {
        var signature = Parse(armored);
        signature.InitVerify(key);
        signature.Update(data);
        return signature.Verify();
    }
}
