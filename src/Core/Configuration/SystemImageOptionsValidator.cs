using Microsoft.Extensions.Options;

namespace SystemImage.Core.Configuration;

/// <summary>Cross-field rules: the publish root must never expose the data directory's secrets or database; PostgreSQL needs a connection string.</summary>
internal sealed class SystemImageOptionsValidator : IValidateOptions<SystemImageOptions>
{
    public ValidateOptionsResult Validate(string? name, SystemImageOptions options)
    {
        var root = Path.TrimEndingDirectorySeparator(options.PublishRootFullPath) + Path.DirectorySeparatorChar;
        var secrets = Path.TrimEndingDirectorySeparator(options.SecretsDir) + Path.DirectorySeparatorChar;
        var database = options.DatabasePath;
        if (secrets.StartsWith(root, StringComparison.Ordinal) || database.StartsWith(root, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Fail(
                $"SystemImage:PublishRoot '{options.PublishRootFullPath}' contains the data directory's secrets or database; choose a publish root outside '{options.DataDirFullPath}' or its www/ subdirectory.");
        }

        if (options.Database.IsPostgreSql && string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "SystemImage:Database:Provider is PostgreSql but SystemImage:Database:ConnectionString is empty; give the Npgsql connection string (Host=…;Database=…;Username=…;Password=…).");
        }

        return ValidateOptionsResult.Success;
    }
}
