using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence;

/// <summary>
/// The metadata database: the source of truth the published tree is projected from.
/// Add a migration with:
/// <c>dotnet ef migrations add NAME --project src/Core --startup-project src/Server --output-dir Persistence/Migrations</c>
/// </summary>
public sealed class SystemImageDbContext(DbContextOptions<SystemImageDbContext> options) : DbContext(options)
{
    public DbSet<Channel> Channels => Set<Channel>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<Image> Images => Set<Image>();

    public DbSet<ImageFile> ImageFiles => Set<ImageFile>();

    public DbSet<PoolFile> PoolFiles => Set<PoolFile>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<User> Users => Set<User>();

    public DbSet<RevokedKey> RevokedKeys => Set<RevokedKey>();

    public DbSet<RetiredKey> RetiredKeys => Set<RetiredKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SystemImageDbContext).Assembly);

    // SQLite cannot order or compare DateTimeOffset values; store them as sortable integers.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
}
