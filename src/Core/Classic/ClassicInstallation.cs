using SystemImage.Core.Importing;

namespace SystemImage.Core.Classic;

/// <summary>
/// Where the parts of a classic system-image installation are: its <c>etc/config</c>, the published tree
/// (<c>publish_path</c>, usually <c>www/</c>), the key store (<c>gpg_key_path</c>: one GnuPG home per key) and the built
/// keyrings (<c>gpg_keyring_path</c>, which hold the devices' <c>archive-master.tar.xz</c>). The config's paths are
/// relative to its <c>base_path</c>, the classic server's own directory; wherever that was, they are read here relative
/// to <see cref="Root"/>, the copy being adopted.
/// </summary>
public sealed record ClassicInstallation(string Root, string ConfigFile, string ConfigText, string Www, string Keys, string Keyrings)
{
    /// <summary>Finds the parts of the installation at <paramref name="root"/>; the reason it cannot, or the installation.</summary>
    /// <param name="root">The classic server's directory (the one holding <c>etc/</c> and <c>www/</c>).</param>
    /// <param name="config">Its configuration file, when not <c>etc/config</c> under the root.</param>
    /// <param name="keys">The directory of its keys (GnuPG homes or exported files), when not the config's <c>gpg_key_path</c>.</param>
    public static (ClassicInstallation? Installation, string? Problem) Locate(string root, string? config, string? keys)
    {
        if (string.IsNullOrWhiteSpace(root) || !Directory.Exists(root))
        {
            return (null, $"'{root}' is not a directory: give the classic server's directory (the one holding etc/config and www/)");
        }

        root = Path.GetFullPath(root);
        var configFile = Path.GetFullPath(config ?? Path.Combine(root, "etc", "config"));
        if (!File.Exists(configFile))
        {
            return (null, config is null
                ? $"{configFile} does not exist: give the classic configuration with --config"
                : $"the configuration {configFile} does not exist");
        }

        string text;
        IReadOnlyDictionary<string, string> global;
        try
        {
            text = File.ReadAllText(configFile);
            global = ClassicIniConfig.ReadGlobal(text);
        }
        catch (FormatException e)
        {
            return (null, $"{configFile}: {e.Message}");
        }

        var basePath = global.GetValueOrDefault("base_path");
        string Place(string key, string fallback) => Rebase(root, basePath, global.GetValueOrDefault(key) is { Length: > 0 } value ? value : fallback);
        var www = Place("publish_path", "www/");
        if (!Directory.Exists(www))
        {
            return (null, $"the published tree {www} (publish_path) does not exist");
        }

        return (new ClassicInstallation(root, configFile, text, www, keys is null ? Place("gpg_key_path", "secret/gpg/keys/") : Path.GetFullPath(keys),
            Place("gpg_keyring_path", "secret/gpg/keyrings/")), null);
    }

    /// <summary>A config path under <paramref name="root"/>: relative ones as they are, absolute ones under the classic base_path moved here.</summary>
    private static string Rebase(string root, string? basePath, string path)
    {
        if (!Path.IsPathRooted(path))
        {
            return Path.GetFullPath(Path.Combine(root, path));
        }

        if (basePath is { Length: > 0 } && Path.IsPathRooted(basePath))
        {
            var relative = Path.GetRelativePath(basePath, path);
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            {
                return Path.GetFullPath(Path.Combine(root, relative));
            }
        }

        return Path.GetFullPath(path);
    }
}
