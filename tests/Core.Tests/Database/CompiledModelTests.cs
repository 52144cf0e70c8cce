using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using SystemImage.Core.Persistence;
using Xunit;

namespace SystemImage.Core.Tests.Database;

/// <summary>
/// Each provider's compiled model (src/Core/Persistence/CompiledModels, what EF Core uses at run time instead of
/// building the model at every start) is the model the entity configurations describe: a model change without the
/// compiled models made again fails here. What only the schema holds (defaults, collations) is the migrations' part
/// (<see cref="MigrationsTests"/>).
/// </summary>
public sealed class CompiledModelTests
{
    private const string Remedy = "The model changed: make the compiled models again (see SystemImageDbContext).";

    /// <summary>What EF Core reads at run time: entities, keys, indexes and relations, each property's store type and
    /// conversion, each table's columns.</summary>
    private static string Describe(IModel model)
    {
        var text = new StringBuilder(model.ToDebugString(MetadataDebugStringOptions.ShortDefault)).AppendLine();
        foreach (var entity in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            text.AppendLine($"{entity.Name} in {entity.GetTableName()}");
            foreach (var property in entity.GetProperties())
            {
                var mapping = property.GetRelationalTypeMapping();
                var converter = property.GetValueConverter() ?? mapping.Converter;
                text.AppendLine($"  {property.Name}: {mapping.StoreType}, converter {converter?.GetType().Name} to {converter?.ProviderClrType.Name}, comparer {property.GetValueComparer().GetType().Name}");
            }
        }

        foreach (var table in model.GetRelationalModel().Tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var column in table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                text.AppendLine($"{table.Name}.{column.Name}: {column.StoreType}{(column.IsNullable ? " null" : "")}");
            }
        }

        return text.ToString();
    }

    private static void AssertCompiledModelIsCurrent(DbContext db)
    {
        var compiled = db.Model;

        Assert.IsType<RuntimeModel>(compiled, exactMatch: false);
        Assert.StartsWith("SystemImage.Core.Persistence.CompiledModels.", compiled.GetType().FullName, StringComparison.Ordinal);
        Assert.True(Describe(db.GetService<IDesignTimeModel>().Model) == Describe(compiled), Remedy);
    }

    [Fact]
    public void TheSqliteCompiledModelIsTheModel()
    {
        using var db = new SystemImageDbContext(new DbContextOptionsBuilder<SystemImageDbContext>().UseSqlite("Data Source=:memory:").Options);

        AssertCompiledModelIsCurrent(db);
    }

    [Fact]
    public void ThePostgreSqlCompiledModelIsTheModel()
    {
        using var db = new PostgreSqlDbContext(new DbContextOptionsBuilder<PostgreSqlDbContext>().UseNpgsql("Host=127.0.0.1;Database=unused").Options);

        AssertCompiledModelIsCurrent(db);
    }
}
