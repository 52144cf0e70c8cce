namespace SystemImage.Core.Adoption;

/// <summary>What a counted download was.</summary>
public enum DownloadKind
{
    /// <summary>A full image's file.</summary>
    Full = 0,

    /// <summary>A delta image's file.</summary>
    Delta = 1,

    /// <summary>A device fetched its index.json.</summary>
    CheckIn = 2,
}
