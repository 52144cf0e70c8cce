using System.Formats.Tar;
using System.Text;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Signing;
using SystemImage.TestUtilities;
using Xunit;

namespace SystemImage.Core.Tests.Signing;

public static class KeyringTarballTests
{
    private static readonly DateTimeOffset Mtime = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expiry = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static byte[] Build(string type, IReadOnlyList<PgpPublicKeyRing> keys, DateTimeOffset? expiry, string? model)
    {
        using var output = new MemoryStream();
        KeyringTarball.Write(output, type, keys, expiry, model, Mtime);
        return output.ToArray();
    }

    private static List<(TarEntry Entry, byte[] Data)> Entries(byte[] tar)
    {
        var entries = new List<(TarEntry, byte[])>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add((entry, data.ToArray()));
        }

        return entries;
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class Write(SigningKeysFixture keys)
    {
        [Fact]
        public void HoldsExactlyKeyringJsonThenKeyringGpgAsRootOwnedGnuFiles()
        {
            var tar = Build(KeyNames.ImageSigning, [keys.Store.GetPublicKeyRing(KeyNames.ImageSigning)], Expiry, null);

            var entries = Entries(tar);

            Assert.Equal(["keyring.json", "keyring.gpg"], entries.Select(e => e.Entry.Name));
            Assert.All(entries, e =>
            {
                Assert.Equal(TarEntryFormat.Gnu, e.Entry.Format);
                Assert.Equal(TarEntryType.RegularFile, e.Entry.EntryType);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, e.Entry.Mode);
                Assert.Equal(0, e.Entry.Uid);
                Assert.Equal(0, e.Entry.Gid);
                Assert.Equal("root", ((PosixTarEntry)e.Entry).UserName);
                Assert.Equal("root", ((PosixTarEntry)e.Entry).GroupName);
                Assert.Equal(Mtime, e.Entry.ModificationTime);
            });
        }

        [Fact]
        public void KeyringJsonHasSortedKeysFourSpaceIndentAndATrailingNewline()
        {
            var tar = Build(KeyNames.DeviceSigning, [keys.Store.GetPublicKeyRing(KeyNames.DeviceSigning)], Expiry, "mako");

            var json = Encoding.UTF8.GetString(Entries(tar)[0].Data);

            Assert.Equal("{\n    \"expiry\": 1798761600,\n    \"model\": \"mako\",\n    \"type\": \"device-signing\"\n}\n", json);
        }

        [Fact]
        public void ExpiryAndModelAreLeftOutWhenNull()
        {
            var tar = Build(KeyNames.ArchiveMaster, [keys.Store.GetPublicKeyRing(KeyNames.ArchiveMaster)], null, null);

            var json = Encoding.UTF8.GetString(Entries(tar)[0].Data);

            Assert.Equal("{\n    \"type\": \"archive-master\"\n}\n", json);
        }

        [Fact]
        public void TheKeyringFromInsideTheTarballVerifiesASignatureWithGpgv()
        {
            using var gpg = new Gpg();
            var tar = Build(KeyNames.ImageSigning, [keys.Store.GetPublicKeyRing(KeyNames.ImageSigning)], Expiry, null);
            var keyring = Entries(tar)[1].Data;
            var data = "channels"u8.ToArray();

            var result = gpg.Verify(keyring, keys.Signer.SignDetached(data, KeyNames.ImageSigning), data);

            Assert.True(result.IsValid, result.Output);
            Assert.Equal(keys.Store.Describe(KeyNames.ImageSigning).Fingerprint, result.PrimaryKeyFingerprint);
        }

        [Fact]
        public void AKeyringOfTwoRingsAcceptsSignaturesByEither()
        {
            using var gpg = new Gpg();
            var rings = new[] { KeyNames.ImageSigning, KeyNames.DeviceSigning }.Select(keys.Store.GetPublicKeyRing).ToList();
            var keyring = Entries(Build("custom", rings, null, null))[1].Data;
            var data = "index"u8.ToArray();

            Assert.True(gpg.Verify(keyring, keys.Signer.SignDetached(data, KeyNames.ImageSigning), data).IsValid);
            Assert.True(gpg.Verify(keyring, keys.Signer.SignDetached(data, KeyNames.DeviceSigning), data).IsValid);
            Assert.False(gpg.Verify(keyring, keys.Signer.SignDetached(data, KeyNames.ImageMaster), data).IsValid);
        }

        [Fact]
        public void TheSameInputsGiveTheSameBytes()
        {
            var ring = keys.Store.GetPublicKeyRing(KeyNames.ImageMaster);

            var first = Build(KeyNames.ImageMaster, [ring], Expiry, "mako");
            Thread.Sleep(1100);
            var second = Build(KeyNames.ImageMaster, [ring], Expiry, "mako");

            Assert.Equal(first, second);
        }

        [Fact]
        public void GnuTarListsBothMembersWithoutComplaint()
        {
            using var directory = new TempDirectory();
            var path = directory.Combine("image-signing.tar");
            File.WriteAllBytes(path, Build(KeyNames.ImageSigning, [keys.Store.GetPublicKeyRing(KeyNames.ImageSigning)], Expiry, null));

            var (exitCode, output) = Run(Tools.Require("tar"), "--list", "--verbose", "--numeric-owner", "--file", path);

            Assert.Equal(0, exitCode);
            var lines = output.Trim().Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("-rw-r--r-- 0/0", lines[0], StringComparison.Ordinal);
            Assert.EndsWith(" 2026-11-26 12:00 keyring.json", lines[0], StringComparison.Ordinal);
            Assert.EndsWith(" keyring.gpg", lines[1], StringComparison.Ordinal);
        }

        [Fact]
        public void TheStoreWritesEachKeysOwnExpiryIntoItsKeyring()
        {
            foreach (var name in KeyNames.All)
            {
                using var output = new MemoryStream();
                keys.Store.WriteKeyringTarball(name, output, Mtime);
                output.Position = 0;

                var contents = KeyringTarball.Read(output);

                Assert.Equal(name, contents.Type);
                Assert.Equal(keys.Store.Describe(name).Expiry, contents.Expiry);
                Assert.Null(contents.Model);
            }

            Assert.NotNull(keys.Store.Describe(KeyNames.ImageSigning).Expiry);
            Assert.NotNull(keys.Store.Describe(KeyNames.DeviceSigning).Expiry);
        }

        private static (int ExitCode, string Output) Run(string file, params string[] arguments)
        {
            var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["TZ"] = "UTC";
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
    }

    [Collection(SigningKeysCollection.Name)]
    public sealed class Read(SigningKeysFixture keys)
    {
        [Fact]
        public void ReturnsTheJsonFieldsAndTheKeys()
        {
            var ring = keys.Store.GetPublicKeyRing(KeyNames.DeviceSigning);
            var tar = Build(KeyNames.DeviceSigning, [ring], Expiry, "mako");

            var contents = KeyringTarball.Read(new MemoryStream(tar));

            Assert.Equal(KeyNames.DeviceSigning, contents.Type);
            Assert.Equal(Expiry, contents.Expiry);
            Assert.Equal("mako", contents.Model);
            Assert.NotNull(contents.Keys.GetPublicKey(ring.GetPublicKey().KeyId));
            Assert.Equal(1, contents.Keys.Count);
        }

        [Fact]
        public void RejectsATarballWithAnExtraMember()
        {
            using var output = new MemoryStream();
            output.Write(Build(KeyNames.Blacklist, [keys.Store.GetPublicKeyRing(KeyNames.DeviceSigning)], null, null));

            // Drop the two zero blocks that end the archive, then append a third member.
            output.SetLength(output.Length - 1024);
            output.Position = output.Length;
            using (var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "extra") { DataStream = new MemoryStream([1]) });
            }

            output.Position = 0;

            var error = Assert.Throws<InvalidDataException>(() => KeyringTarball.Read(output));
            Assert.Contains("extra", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RejectsATarballWithoutKeyringJson()
        {
            using var output = new MemoryStream();
            using (var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "keyring.gpg") { DataStream = new MemoryStream([]) });
            }

            output.Position = 0;

            Assert.Throws<InvalidDataException>(() => KeyringTarball.Read(output));
        }

        [Fact]
        public void RejectsKeyringJsonWithoutAType()
        {
            using var output = new MemoryStream();
            using (var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "keyring.json") { DataStream = new MemoryStream("{\"expiry\": 1}"u8.ToArray()) });
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "keyring.gpg") { DataStream = new MemoryStream([]) });
            }

            output.Position = 0;

            Assert.Throws<InvalidDataException>(() => KeyringTarball.Read(output));
        }
    }
}
