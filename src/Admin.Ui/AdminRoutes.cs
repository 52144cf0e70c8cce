namespace SystemImage.Admin.Ui;

/// <summary>The admin UI's addresses, so pages and the host link to them the same way.</summary>
public static class AdminRoutes
{
    public const string Home = "/admin";
    public const string SignIn = "/admin/sign-in";
    public const string SignOut = "/admin/sign-out";
    public const string Denied = "/admin/denied";
    public const string Channels = "/admin/channels";
    /// <summary>Running and recent jobs (imports, re-signs, rotations); <see cref="Dashboard"/> is Hangfire's own view.</summary>
    public const string Jobs = "/admin/runs";
    public const string Audit = "/admin/audit";
    public const string Tokens = "/admin/tokens";
    public const string Keys = "/admin/keys";

    /// <summary>Where each build is across channels, per device.</summary>
    public const string Releases = "/admin/releases";

    /// <summary>Local user accounts (admins).</summary>
    public const string Users = "/admin/users";

    /// <summary>The signed-in user's own account: changing their password (and the only page a one-time password reaches).</summary>
    public const string Account = "/admin/account";

    /// <summary>The Hangfire dashboard (admins only).</summary>
    public const string Dashboard = "/admin/jobs";

    /// <summary>The page for an admin address that does not exist (or another empty error answer under /admin).</summary>
    public const string NotFound = "/admin/not-found";

    /// <summary>The browsable API reference.</summary>
    public const string ApiReference = "/admin/api/";

    /// <summary>A channel's page; channel names may hold <c>/</c>, so they go percent-encoded in one segment.</summary>
    public static string Channel(string channel) => $"/admin/channels/{Uri.EscapeDataString(channel)}";

    /// <summary>A device's page.</summary>
    public static string Device(string channel, string device) => $"/admin/channels/{Uri.EscapeDataString(channel)}/devices/{Uri.EscapeDataString(device)}";

    /// <summary>The audit log of one channel, or of one device of it: their history.</summary>
    public static string AuditOf(string channel, string? device = null) =>
        $"{Audit}?channel={Uri.EscapeDataString(channel)}" + (device is null ? "" : $"&device={Uri.EscapeDataString(device)}");

    /// <summary>One job's page.</summary>
    public static string Job(int id) => $"{Jobs}/{id}";

    /// <summary><paramref name="url"/> when it is local to this server (so following it cannot leave the site), else <see cref="Home"/>.</summary>
    public static string LocalOrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : Home;

    /// <summary>A route value back to the name it encodes.</summary>
    public static string Name(string segment) => Uri.UnescapeDataString(segment);
}
