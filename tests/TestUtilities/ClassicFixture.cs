namespace SystemImage.TestUtilities;

/// <summary>
/// A private copy of the installation the classic server made (<c>../shared/fixtures/classic-tree</c> beside the
/// checkout, or <c>$SYSTEMIMAGE_CLASSIC_TREE</c>), with its <c>etc/config</c> paths rewritten to the copy, as an
/// operator migrating would do. It holds private test keys: it is never committed here. Dispose deletes the copy.
/// </summary>
public sealed class ClassicFixture : IDisposable
{
    /// <summary>Where the fixture is looked for.</summary>
    public static string SourcePath { get; } = System.IO.Path.GetFullPath(
        Environment.GetEnvironmentVariable("SYSTEMIMAGE_CLASSIC_TREE") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(RepositoryRoot.Path, "..", "shared", "fixtures", "classic-tree"));

    private ClassicFixture(string path) => Path = path;

    /// <summary>The copy's root (holding etc/, www/, secret/ and cdimage/).</summary>
    public string Path { get; }

    public string Www => System.IO.Path.Combine(Path, "www");

    /// <summary>The devices' root of trust, baked into every phone of this tree.</summary>
    public string ArchiveMasterKeyring => System.IO.Path.Combine(Path, "secret", "gpg", "keyrings", "archive-master.tar.xz");

    /// <summary>Copies the fixture; a missing fixture fails with where it was looked for.</summary>
    public static ClassicFixture Create()
    {
        if (!System.IO.File.Exists(System.IO.Path.Combine(SourcePath, "etc", "config")))
        {
            throw new InvalidOperationException($"The classic fixture is not at {SourcePath} (set SYSTEMIMAGE_CLASSIC_TREE).");
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "si-classic-" + Guid.NewGuid().ToString("N")[..12]);
        Copy(SourcePath, path);
        var config = System.IO.Path.Combine(path, "etc", "config");
        var original = ReadGlobal(System.IO.File.ReadAllText(config), "base_path") ?? "/tmp/classic-tree";
        System.IO.File.WriteAllText(config, System.IO.File.ReadAllText(config).Replace(original, path, StringComparison.Ordinal));
        return new ClassicFixture(path);
    }

    /// <summary>
    /// Signs the tree file <paramref name="treePath"/> again with the classic image-signing key (GnuPG, from a private copy
    /// of its home), as the classic server does after writing it: for tests that edit the classic tree.
    /// </summary>
    public void Sign(string treePath)
    {
        var home = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "si-gpg-" + Guid.NewGuid().ToString("N")[..8]);
        Copy(System.IO.Path.Combine(Path, "secret", "gpg", "keys", "image-signing"), home);
        try
        {
            using var gpg = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
                "gpg", ["--homedir", home, "--batch", "--yes", "--armor", "--detach-sign", "-o", File(treePath) + ".asc", File(treePath)])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var error = gpg.StandardError.ReadToEnd();
            gpg.WaitForExit();
            if (gpg.ExitCode != 0)
            {
                throw new InvalidOperationException($"gpg could not sign {treePath}: {error}");
            }
        }
        finally
        {
            using (var stop = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]) { UseShellExecute = false }))
            {
                stop?.WaitForExit();
            }

            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // The agent's socket going away meanwhile; the temp cleaner gets the rest.
            }
        }
    }

    /// <summary>The tree file <paramref name="treePath"/> (e.g. <c>/testing/mako/index.json</c>) of the copy.</summary>
    public string File(string treePath) => System.IO.Path.Combine(Www, treePath.TrimStart('/'));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }

    private static string? ReadGlobal(string config, string key) =>
        config.ReplaceLineEndings("\n").Split('\n')
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
            .Select(parts => parts[1].Trim())
            .FirstOrDefault();

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            Copy(directory, System.IO.Path.Combine(to, System.IO.Path.GetFileName(directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from))
        {
            System.IO.File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        }
    }
}
