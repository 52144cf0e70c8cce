using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SystemImage.Core.Signing;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

/// <summary>
/// One generated key hierarchy (all RSA-2048 for speed) shared by the tests of <see cref="SigningKeysCollection"/>.
/// Tests must not change it; tests that generate or overwrite keys make their own store.
/// </summary>
public sealed class SigningKeysFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SigningKeysFixture()
    {
        Store = CreateStore(_directory.Combine("secrets"), Options);
        var stopwatch = Stopwatch.StartNew();
        Store.GenerateAll(force: false);
        GenerationTime = stopwatch.Elapsed;
        Signer = new OpenPgpSigner(Store, TimeProvider.System);
    }

    public static SigningOptions Options { get; } = new() { MasterKeyBits = 2048, SigningKeyBits = 2048 };

    public KeyStore Store { get; }

    public OpenPgpSigner Signer { get; }

    public TimeSpan GenerationTime { get; }

    public static KeyStore CreateStore(string secretsDir, SigningOptions options, TimeProvider? time = null) => new(
        secretsDir,
        Microsoft.Extensions.Options.Options.Create(options),
        new KeyGenerator(time ?? TimeProvider.System),
        NullLogger<KeyStore>.Instance);

    /// <summary>The binary public key ring of <paramref name="name"/>, as a gpgv keyring.</summary>
    public byte[] PublicKeyring(string name) => Store.GetPublicKeyRing(name).GetEncoded();

    public void Dispose()
    {
        Store.Dispose();
        _directory.Dispose();
    }
}
