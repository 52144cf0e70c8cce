namespace SystemImage.Core.Adoption;

/// <summary>The names of <see cref="DownloadKind"/> values in metrics and listings.</summary>
public static class DownloadKinds
{
    public static string Label(DownloadKind kind) => kind switch
    {
        DownloadKind.Full => "full",
        DownloadKind.Delta => "delta",
        _ => "checkin",
    };
}
