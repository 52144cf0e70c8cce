using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Importing;

/// <summary>How automatic channels import (SPEC §5): generator limits, the device map and the mirror sync.</summary>
public sealed class ImportOptions
{
    public const string SectionName = "SystemImage:Import";

    /// <summary>
    /// Device name → architecture used in cdimage file names (<c>vivid-preinstalled-touch-armhf.tar.gz</c>). A device
    /// not listed uses <see cref="DefaultArchitecture"/>. Default: the classic Ubuntu Touch devices.
    /// </summary>
    public Dictionary<string, string> DeviceArchitectures { get; set; } = new(StringComparer.Ordinal)
    {
        ["mako"] = "armhf",
        ["flo"] = "armhf",
        ["manta"] = "armhf",
        ["grouper"] = "armhf",
        ["hammerhead"] = "armhf",
        ["krillin"] = "armhf",
        ["vegetahd"] = "armhf",
        ["arale"] = "armhf",
        ["turbo"] = "armhf",
        ["cooler"] = "armhf",
        ["frieza"] = "armhf",
        ["generic"] = "i386",
        ["generic_x86"] = "i386",
        ["generic_i386"] = "i386",
        ["generic_amd64"] = "amd64",
        ["generic_arm64"] = "arm64",
    };

    /// <summary>The architecture of a device <see cref="DeviceArchitectures"/> does not list. Default <c>armhf</c>.</summary>
    [Required]
    public string DefaultArchitecture { get; set; } = "armhf";

    /// <summary>Seconds to wait for an HTTP connection (http and remote-system-image generators). Default 30.</summary>
    [Range(1, 3600)]
    public int HttpConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>Seconds one HTTP download may take in all. Default 3600.</summary>
    [Range(1, 86400)]
    public int HttpTotalTimeoutSeconds { get; set; } = 3600;

    /// <summary>Largest file an HTTP generator downloads, in bytes. Default 4 GiB.</summary>
    [Range(typeof(long), "1", "1125899906842624")]
    public long HttpMaxBytes { get; set; } = 4L << 30;

    /// <summary>
    /// Keyrings (name → path of a .tar.xz keyring or a binary OpenPGP keyring) the remote-system-image generator
    /// verifies a remote server's signatures with; its <c>keyring</c> option picks one (the only one when there is one).
    /// A keyring tarball of type archive-master or image-master is followed down the remote's <c>gpg/</c> keyrings to
    /// image-signing, as devices do; a plain keyring must hold the key that signs the remote channels.json. Relative
    /// paths are resolved against the data directory. Default none.
    /// </summary>
    public Dictionary<string, string> RemoteKeyrings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Program run after every import that published something (e.g. a script that rsyncs the tree to mirrors);
    /// its exit status is logged and a failure does not undo the publish. Default none.
    /// </summary>
    public string? MirrorSyncCommand { get; set; }

    /// <summary>Arguments of <see cref="MirrorSyncCommand"/>. Default none.</summary>
    public List<string> MirrorSyncArguments { get; set; } = [];

    /// <summary>Seconds the mirror sync may run before it is killed. Default 600.</summary>
    [Range(1, 86400)]
    public int MirrorSyncTimeoutSeconds { get; set; } = 600;

    /// <summary>The architecture of <paramref name="device"/>.</summary>
    public string ArchitectureOf(string device) => DeviceArchitectures.GetValueOrDefault(device) ?? DefaultArchitecture;
}
