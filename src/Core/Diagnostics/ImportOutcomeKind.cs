namespace SystemImage.Core.Diagnostics;

/// <summary>The values of the <c>outcome</c> tag of the import duration histogram.</summary>
public static class ImportOutcomeKind
{
    /// <summary>At least one device got a new image.</summary>
    public const string Published = "published";

    /// <summary>The import ran and found nothing new to publish.</summary>
    public const string NothingNew = "nothing_new";

    /// <summary>The import did not start: unknown, manual, alias, redirect or paused channel.</summary>
    public const string Refused = "refused";

    /// <summary>The import threw (an infrastructure failure, or the server stopping mid-import).</summary>
    public const string Failed = "failed";
}
