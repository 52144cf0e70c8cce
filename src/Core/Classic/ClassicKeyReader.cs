using System.Diagnostics;
using Org.BouncyCastle.Bcpg.OpenPgp;
using SystemImage.Core.Signing;

namespace SystemImage.Core.Classic;

/// <summary>
/// Reads the secret keys of a classic key store: for each key of <see cref="KeyNames.All"/>, either a GnuPG home
/// <c>&lt;dir&gt;/&lt;name&gt;/</c> (exported with <c>gpg --export-secret-keys</c> from a private copy, so the classic
/// store is never written to) or a file exported before, <c>&lt;dir&gt;/&lt;name&gt;.sec</c>, <c>.gpg</c>, <c>.key</c>
/// or <c>.asc</c> (binary or ASCII-armored). The classic blacklist key signs nothing devices check and is not read.
/// </summary>
public static class ClassicKeyReader
{
    private static readonly string[] ExportedExtensions = [".sec", ".gpg", ".key", ".asc"];

    /// <summary>The keys found, and the problems with those that could not be read.</summary>
    public static async Task<(IReadOnlyDictionary<string, PgpSecretKeyRing> Keys, IReadOnlyList<string> Problems)> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, PgpSecretKeyRing>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (!Directory.Exists(directory))
        {
            return (keys, [$"the key store {directory} does not exist: give it with --keys"]);
        }

        foreach (var name in KeyNames.All)
        {
            var (ring, problem) = await ReadKeyAsync(directory, name, cancellationToken);
            if (ring is not null)
            {
                keys[name] = ring;
            }
            else
            {
                problems.Add($"key {name}: {problem}");
            }
        }

        return (keys, problems);
    }

    private static async Task<(PgpSecretKeyRing? Ring, string? Problem)> ReadKeyAsync(string directory, string name, CancellationToken cancellationToken)
    {
        var home = Path.Combine(directory, name);
        byte[] exported;
        string source;
        if (Directory.Exists(home))
        {
            source = home;
            var (bytes, error) = await ExportAsync(home, cancellationToken);
            if (bytes is null)
            {
                return (null, error);
            }

            exported = bytes;
        }
        else if (ExportedExtensions.Select(e => Path.Combine(directory, name + e)).FirstOrDefault(File.Exists) is { } file)
        {
            source = file;
            exported = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        else
        {
            return (null, $"neither a GnuPG home {home}/ nor an exported {name}.sec (or .gpg, .key, .asc) is in {directory}");
        }

        return Parse(exported, source);
    }

    /// <summary>The one unprotected secret key ring in <paramref name="exported"/> (binary or armored), or why not.</summary>
    internal static (PgpSecretKeyRing? Ring, string? Problem) Parse(byte[] exported, string source)
    {
        List<PgpSecretKeyRing> rings;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(exported));
            rings = [.. new PgpSecretKeyRingBundle(input).GetKeyRings()];
        }
        catch (Exception e) when (e is PgpException or IOException or ArgumentException or InvalidOperationException)
        {
            return (null, $"{source} holds no readable OpenPGP secret key ({e.Message})");
        }

        if (rings.Count != 1)
        {
            return (null, rings.Count == 0 ? $"{source} holds no secret key" : $"{source} holds {rings.Count} secret keys, not one");
        }

        var secret = rings[0].GetSecretKey();
        try
        {
            if (secret.ExtractPrivateKey([]) is null)
            {
                return (null, $"{source} holds only the public part of the key");
            }
        }
        catch (PgpException)
        {
            return (null, $"{source} is protected by a passphrase: export it without one (gpg --export-secret-keys after gpg --passwd), then give the file with --keys");
        }

        return (rings[0], null);
    }

    /// <summary>Exports the secret keys of a GnuPG home from a private copy of it (GnuPG writes to its home and starts an agent there).</summary>
    private static async Task<(byte[]? Exported, string? Problem)> ExportAsync(string home, CancellationToken cancellationToken)
    {
        // Created private (0700), as GnuPG wants its home.
        var copy = Directory.CreateTempSubdirectory("si-gpg-");
        try
        {
            CopyDirectory(home, copy.FullName);
            var info = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "--homedir", copy.FullName, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys" })
            {
                info.ArgumentList.Add(argument);
            }

            Process process;
            try
            {
                process = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return (null, $"{home} is a GnuPG home but gpg is not installed: install gnupg, or export the key with gpg --export-secret-keys into a file and give its directory with --keys");
            }

            using (process)
            {
                using var output = new MemoryStream();
                var copyOut = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
                var errors = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                await copyOut;
                var error = (await errors).Trim();
                if (process.ExitCode != 0 || output.Length == 0)
                {
                    return (null, $"gpg could not export the secret key of {home}: {(error.Length > 0 ? error.ReplaceLineEndings(" ") : $"exit code {process.ExitCode}, no key")}");
                }

                return (output.ToArray(), null);
            }
        }
        finally
        {
            await StopAgentAsync(copy.FullName);
            try
            {
                copy.Delete(recursive: true);
            }
            catch (IOException)
            {
                // An agent socket going away as we delete; the temp cleaner gets the rest.
            }
        }
    }

    private static async Task StopAgentAsync(string home)
    {
        try
        {
            using var stop = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "gpg-agent"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (stop is not null)
            {
                await stop.WaitForExitAsync();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No gpgconf: no agent was started by us either.
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(directory);
            var target = Path.Combine(to, name);
            Directory.CreateDirectory(target);
            CopyDirectory(directory, target);
        }

        foreach (var file in Directory.EnumerateFiles(from))
        {
            var name = Path.GetFileName(file);
            // Sockets and lock files of an agent that ran in the classic home are not copied.
            if (name.StartsWith("S.", StringComparison.Ordinal) || name.EndsWith(".lock", StringComparison.Ordinal) || name.StartsWith(".#", StringComparison.Ordinal))
            {
                continue;
            }

            File.Copy(file, Path.Combine(to, name));
        }
    }
}
