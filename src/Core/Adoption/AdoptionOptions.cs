using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Adoption;

/// <summary>Counting the downloads the server serves (adoption of each version).</summary>
public sealed class AdoptionOptions
{
    public const string SectionName = "SystemImage:Adoption";

    /// <summary>Count completed downloads of image files and index.json check-ins. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between two writes of the counts kept in memory to the database. Default 5.</summary>
    [Range(1, 3600)]
    public int FlushSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds after which the map of tree files to images is read again from the database even without a publish of
    /// this process (verbs publish from another process). Default 60.
    /// </summary>
    [Range(1, 86400)]
    public int TargetsRefreshSeconds { get; set; } = 60;
}
