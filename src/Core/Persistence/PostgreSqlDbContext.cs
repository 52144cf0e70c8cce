using Microsoft.EntityFrameworkCore;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Core.Persistence;

/// <summary>
/// <see cref="SystemImageDbContext"/> on PostgreSQL: the same model, its own migrations
/// (<c>Persistence/PostgreSqlMigrations</c>). SQLite's collations have PostgreSQL equivalents: names that compare byte
/// for byte (BINARY) use "C", and user names compare without regard to case (NOCASE) through a nondeterministic ICU
/// collation.
/// </summary>
public sealed class PostgreSqlDbContext(DbContextOptions<PostgreSqlDbContext> options) : SystemImageDbContext(options)
{
    /// <summary>The case-insensitive collation of user names.</summary>
    public const string CaseInsensitive = "si_case_insensitive";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()).Where(p => p.GetCollation() == "BINARY"))
        {
            property.SetCollation("C");
        }

        modelBuilder.HasCollation(CaseInsensitive, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        modelBuilder.Entity<User>().Property(u => u.Name).UseCollation(CaseInsensitive);
    }
}
