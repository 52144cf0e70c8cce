using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence;

/// <summary>
/// The metadata database: the source of truth the published tree is projected from. This type is the SQLite one;
/// <see cref="PostgreSqlDbContext"/> is the same model on PostgreSQL, with its own migrations. A model change needs a
/// migration for each (a test fails otherwise):
/// <c>dotnet ef migrations add NAME --project src/Core --startup-project src/Server --context SystemImageDbContext --output-dir Persistence/Migrations</c>
/// <c>dotnet ef migrations add NAME --project src/Core --startup-project src/Server --context PostgreSqlDbContext --output-dir Persistence/PostgreSqlMigrations</c>
/// and the compiled models made again (EF Core finds them by their assembly attribute and uses them instead of building
/// the model at every start, which cost each verb 0.15 s; a test fails when they are not the model):
/// <c>dotnet ef dbcontext optimize --project src/Core --startup-project src/Server --context SystemImageDbContext --output-dir Persistence/CompiledModels/Sqlite --namespace SystemImage.Core.Persistence.CompiledModels.Sqlite</c>
/// <c>dotnet ef dbcontext optimize --project src/Core --startup-project src/Server --context PostgreSqlDbContext --output-dir Persistence/CompiledModels/PostgreSql --namespace SystemImage.Core.Persistence.CompiledModels.PostgreSql</c>
/// </summary>
public class SystemImageDbContext : DbContext
{
    public SystemImageDbContext(DbContextOptions<SystemImageDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's own context type (its migrations are found by that type).</summary>
    protected SystemImageDbContext(DbContextOptions options)
        : base(options)
    {
    }

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

    public DbSet<PendingPublish> PendingPublishes => Set<PendingPublish>();

    public DbSet<DownloadCount> DownloadCounts => Set<DownloadCount>();

    public DbSet<IngestedLog> IngestedLogs => Set<IngestedLog>();

    public DbSet<Rollout> Rollouts => Set<Rollout>();

    /// <summary>
    /// The files a tree change is staging (set by <see cref="Operations.TreeMutator"/> and the import for the change
    /// they run); null outside one. Code that writes tree files as part of a change stages them here.
    /// </summary>
    internal Storage.StagedFiles? Staged { get; set; }

    /// <summary>
    /// When set, the first save opens the write transaction (SQLite's write lock) that the caller then commits, so
    /// everything before it (reading, compressing, making deltas) runs without holding the lock.
    /// </summary>
    internal bool TransactionOnFirstSave { get; set; }

    /// <summary>The staged files of the change in progress; throws outside one.</summary>
    internal Storage.StagedFiles StagedFiles =>
        Staged ?? throw new InvalidOperationException("Tree files can only be written as part of a change (TreeMutator or an import).");

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (TransactionOnFirstSave && Database.CurrentTransaction is null)
        {
            Database.BeginTransaction();
        }

        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (TransactionOnFirstSave && Database.CurrentTransaction is null)
        {
            await Database.BeginTransactionAsync(cancellationToken);
        }

        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SystemImageDbContext).Assembly);

    // SQLite cannot order or compare DateTimeOffset values; store them as sortable integers.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
}
