using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SystemImage.Core.Signing;

namespace SystemImage.TestUtilities;

/// <summary>One key set per test run (2048-bit everywhere, for speed), copied into each test's secrets directory.</summary>
public static class TestKeys
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly Lazy<string> Generated = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"si-test-keys-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using var store = new KeyStore(
            dir,
            Options.Create(new SigningOptions { MasterKeyBits = 2048 }),
            new KeyGenerator(TimeProvider.System),
            NullLogger<KeyStore>.Instance);
        store.GenerateAll(force: true);
        return dir;
    });

    public static void CopyTo(string secretsDir)
    {
        Directory.CreateDirectory(secretsDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.EnumerateFiles(Generated.Value))
        {
            var target = Path.Combine(secretsDir, Path.GetFileName(file));
            File.Copy(file, target, overwrite: true);
            File.SetUnixFileMode(target, PrivateFile);
        }
    }
}
