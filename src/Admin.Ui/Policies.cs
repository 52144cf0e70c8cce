namespace SystemImage.Admin.Ui;

/// <summary>The authorization policies the host defines, one per role (each role includes the ones before it).</summary>
public static class Policies
{
    public const string Viewer = "viewer";
    public const string Publisher = "publisher";
    public const string Admin = "admin";
}
