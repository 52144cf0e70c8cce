using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Importing;

/// <summary>How automatic channels import (SPEC §5): generator limits, the device map, the mirror sync and the leases of runs.</summary>
public sealed class ImportOptions : IValidatableObject
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
    /// Program run when the tree changed (after an import that published something, and in the server's background
    /// after any other publish or change), told which paths changed (see <see cref="Publishing.MirrorSync"/>), e.g.
    /// <c>docs/mirror-rsync.sh</c>; its exit status is logged and a failure does not undo the publish. Default none.
    /// </summary>
    public string? MirrorSyncCommand { get; set; }

    /// <summary>Arguments of <see cref="MirrorSyncCommand"/>. Default none.</summary>
    public List<string> MirrorSyncArguments { get; set; } = [];

    /// <summary>Seconds the mirror sync may run before it is killed. Default 600.</summary>
    [Range(1, 86400)]
    public int MirrorSyncTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Seconds between two looks of the server at the tree for changes no publish of its own announced (a verb's, or
    /// ones a failed sync left), which the mirror-sync command is then run for. Default 300.
    /// </summary>
    [Range(1, 86400)]
    public int MirrorSyncIntervalSeconds { get; set; } = 300;

    /// <summary>
    /// Seconds between two renewals of a running job's lease by the process running it; the same beat notices a cancel
    /// asked for from another process. Default 5.
    /// </summary>
    [Range(0.05, 3600)]
    public double RunHeartbeatSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds a lease lasts: a queued or running job whose process has not renewed it for this long (killed, its
    /// container gone, its machine cut off) is failed as interrupted by whichever server or verb looks next. At least
    /// twice <see cref="RunHeartbeatSeconds"/>. Default 60.
    /// </summary>
    [Range(0.1, 86400)]
    public double RunLeaseSeconds { get; set; } = 60;

    public TimeSpan RunHeartbeat => TimeSpan.FromSeconds(RunHeartbeatSeconds);

    public TimeSpan RunLease => TimeSpan.FromSeconds(RunLeaseSeconds);

    /// <summary>The architecture of <paramref name="device"/>.</summary>
    public string ArchitectureOf(string device) => DeviceArchitectures.GetValueOrDefault(device) ?? DefaultArchitecture;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RunLeaseSeconds < 2 * RunHeartbeatSeconds)
        {
            yield return new ValidationResult(
                $"RunLeaseSeconds ({RunLeaseSeconds}) must be at least twice RunHeartbeatSeconds ({RunHeartbeatSeconds}), or a late beat fails a live job.",
                [nameof(RunLeaseSeconds)]);
        }
    }
}
