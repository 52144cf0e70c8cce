using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace SystemImage.Core.Signing;

/// <summary>
/// Checks detached OpenPGP signatures (armored or binary) the way devices do (SPEC §2): the signature counts only
/// when it is a binary-document signature made by a trusted PRIMARY key that is neither revoked nor expired, with a
/// hash no weaker than SHA-256 (MD5, SHA-1 and RIPEMD-160 are refused), and when it matches the data.
/// RSA signatures with a SHA-2 hash (what GnuPG and this server make) are hashed and checked with the platform's
/// cryptography, several times faster than the managed digests; anything else goes through BouncyCastle.
/// </summary>
public static class OpenPgpVerifier
{
    private const int BufferSize = 128 * 1024;

    /// <summary>Checks <paramref name="signature"/> over <paramref name="data"/>.</summary>
    public static SignatureCheck Verify(ReadOnlySpan<byte> data, byte[] signature, TrustedKeys trusted, DateTimeOffset now)
    {
        var (candidates, refusal) = Candidates(signature, trusted, now);
        if (candidates.Count == 0)
        {
            return SignatureCheck.Invalid(refusal);
        }

        foreach (var candidate in candidates)
        {
            candidate.Update(data);
        }

        return Result(candidates);
    }

    /// <summary>Reads <paramref name="data"/> to its end and checks <paramref name="signature"/> over it.</summary>
    public static async Task<SignatureCheck> VerifyAsync(Stream data, byte[] signature, TrustedKeys trusted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (candidates, refusal) = Candidates(signature, trusted, now);
        if (candidates.Count == 0)
        {
            return SignatureCheck.Invalid(refusal);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await data.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                foreach (var candidate in candidates)
                {
                    candidate.Update(buffer.AsSpan(0, read));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Result(candidates);
    }

    private static SignatureCheck Result(List<Candidate> candidates)
    {
        var valid = candidates.FirstOrDefault(c => c.Verify());
        foreach (var candidate in candidates)
        {
            candidate.Dispose();
        }

        return valid is null
            ? SignatureCheck.Invalid("the signature does not match the data")
            : SignatureCheck.Valid(Convert.ToHexString(valid.Key.GetFingerprint()));
    }

    /// <summary>The signatures that a trusted key could have made, initialised for verification; or why there is none.</summary>
    private static (List<Candidate> Candidates, string Refusal) Candidates(byte[] armored, TrustedKeys trusted, DateTimeOffset now)
    {
        List<PgpSignature> signatures;
        try
        {
            signatures = Parse(armored);
        }
        catch (Exception e) when (e is IOException or PgpException or InvalidOperationException or ArgumentException)
        {
            return ([], $"not an OpenPGP signature ({e.Message.ReplaceLineEndings(" ")})");
        }

        var candidates = new List<Candidate>();
        var refusal = "the signature holds no signature packet";
        foreach (var signature in signatures)
        {
            var key = trusted.Find(signature.KeyId);
            refusal = signature switch
            {
                _ when signature.SignatureType != PgpSignature.BinaryDocument => $"signature type 0x{signature.SignatureType:x2} is not a binary-document signature",
                _ when IsWeak(signature.HashAlgorithm) => $"the signature uses the weak hash {signature.HashAlgorithm}",
                _ when key is null => $"made by key {signature.KeyId:X16}, which is not a trusted primary key",
                _ when key.HasRevocation() => $"made by key {signature.KeyId:X16}, which is revoked",
                _ when ExpiredAt(key) is { } expired && expired <= now => $"made by key {signature.KeyId:X16}, which expired on {expired:yyyy-MM-dd}",
                _ => "",
            };
            if (refusal.Length == 0)
            {
                candidates.Add(Candidate.For(signature, key!));
            }
        }

        return (candidates, refusal);
    }

    private static List<PgpSignature> Parse(byte[] armored)
    {
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(armored));
        var factory = new PgpObjectFactory(input);
        var all = new List<PgpSignature>();
        while (factory.NextPgpObject() is { } item)
        {
            var list = item as PgpSignatureList ?? throw new PgpException($"unexpected {item.GetType().Name} in a detached signature");
            for (var i = 0; i < list.Count; i++)
            {
                all.Add(list[i]);
            }
        }

        return all;
    }

    private static bool IsWeak(HashAlgorithmTag hash) =>
        hash is HashAlgorithmTag.MD5 or HashAlgorithmTag.Sha1 or HashAlgorithmTag.RipeMD160 or HashAlgorithmTag.MD2 or HashAlgorithmTag.Tiger192 or HashAlgorithmTag.Haval5pass160;

    private static DateTimeOffset? ExpiredAt(PgpPublicKey key)
    {
        var seconds = key.GetValidSeconds();
        return seconds > 0 ? new DateTimeOffset(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc)).AddSeconds(seconds) : null;
    }

    /// <summary>A signature being checked over the data: with the platform's SHA-2 and RSA where it can, else BouncyCastle.</summary>
    private sealed class Candidate : IDisposable
    {
        private readonly PgpSignature _signature;
        private readonly IncrementalHash? _hash;

        private Candidate(PgpSignature signature, PgpPublicKey key, IncrementalHash? hash)
        {
            _signature = signature;
            Key = key;
            _hash = hash;
        }

        public PgpPublicKey Key { get; }

        public static Candidate For(PgpSignature signature, PgpPublicKey key)
        {
            // The key packet's own numbers: PgpPublicKey.GetKey() validates the modulus (a primality test) on every call.
            if (signature.Version == 4 && key.PublicKeyPacket.Key is RsaPublicBcpgKey && NativeHash(signature.HashAlgorithm) is { } name)
            {
                return new Candidate(signature, key, IncrementalHash.CreateHash(name));
            }

            signature.InitVerify(key);
            return new Candidate(signature, key, null);
        }

        public void Update(ReadOnlySpan<byte> data)
        {
            if (_hash is not null)
            {
                _hash.AppendData(data);
            }
            else
            {
                _signature.Update(data);
            }
        }

        public bool Verify()
        {
            if (_hash is null)
            {
                return _signature.Verify();
            }

            // A v4 signature hashes the data, then its hashed subpackets and a final trailer (RFC 4880 §5.2.4).
            _hash.AppendData(_signature.GetSignatureTrailer());
            var digest = _hash.GetHashAndReset();
            var rsa = (RsaPublicBcpgKey)Key.PublicKeyPacket.Key;
            var modulus = rsa.Modulus.ToByteArrayUnsigned();
            var value = _signature.GetSignature();
            if (value.Length > modulus.Length)
            {
                return false;
            }

            // The signature is an MPI: leading zero bytes are dropped, and RSA wants it as long as the modulus.
            var padded = new byte[modulus.Length];
            value.CopyTo(padded, modulus.Length - value.Length);
            using var key = RSA.Create(new RSAParameters { Modulus = modulus, Exponent = rsa.PublicExponent.ToByteArrayUnsigned() });
            return key.VerifyHash(digest, padded, _hash.AlgorithmName, RSASignaturePadding.Pkcs1);
        }

        public void Dispose() => _hash?.Dispose();

        private static HashAlgorithmName? NativeHash(HashAlgorithmTag tag) => tag switch
        {
            HashAlgorithmTag.Sha256 => HashAlgorithmName.SHA256,
            HashAlgorithmTag.Sha384 => HashAlgorithmName.SHA384,
            HashAlgorithmTag.Sha512 => HashAlgorithmName.SHA512,
            _ => null,
        };
    }
}
