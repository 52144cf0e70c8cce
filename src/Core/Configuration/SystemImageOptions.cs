using System.ComponentModel.DataAnnotations;

namespace SystemImage.Core.Configuration;

/// <summary>Where the server keeps its data and what it writes into channel.ini.</summary>
public sealed class SystemImageOptions
{
    public const string SectionName = "SystemImage";

    /// <summary>Data directory holding the databases, <c>secrets/</c>, <c>www/</c> and <c>state/</c>. Default <c>./data</c>.</summary>
    [Required]
    public string DataDir { get; set; } = "data";

    /// <summary>The publish root devices download from. Default <c>&lt;DataDir&gt;/www</c>.</summary>
    public string? PublishRoot { get; set; }

    /// <summary>Public host name written as <c>base</c> into channel.ini. Default <c>localhost</c>.</summary>
    [Required]
    public string PublicHost { get; set; } = "localhost";

    /// <summary>Public HTTP port for channel.ini: a number or <c>disabled</c>. Default <c>80</c>.</summary>
    [Required, RegularExpression("^([0-9]{1,5}|disabled)$", ErrorMessage = "PublicHttpPort must be a port number or 'disabled'.")]
    public string PublicHttpPort { get; set; } = "80";

    /// <summary>Public HTTPS port for channel.ini: a number or <c>disabled</c>. Default <c>443</c>.</summary>
    [Required, RegularExpression("^([0-9]{1,5}|disabled)$", ErrorMessage = "PublicHttpsPort must be a port number or 'disabled'.")]
    public string PublicHttpsPort { get; set; } = "443";

    /// <summary>The metadata database (<c>SystemImage:Database</c>): SQLite by default.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>Apply EF Core migrations when the host starts. Default true.</summary>
    public bool RunMigrationsAtStartup { get; set; } = true;

    public string DataDirFullPath => Path.GetFullPath(DataDir);

    public string PublishRootFullPath => Path.GetFullPath(PublishRoot ?? Path.Combine(DataDir, "www"));

    public string SecretsDir => Path.Combine(DataDirFullPath, "secrets");

    public string StateDir => Path.Combine(DataDirFullPath, "state");

    public string DatabasePath => Path.Combine(DataDirFullPath, "systemimage.db");

    /// <summary>The background jobs' own SQLite database (Hangfire storage).</summary>
    public string HangfireDatabasePath => Path.Combine(DataDirFullPath, "hangfire.db");
}
