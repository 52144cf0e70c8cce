using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SystemImage.Core.Persistence;

/// <summary>Lets <c>dotnet ef</c> create SQLite migrations without starting the server.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<SystemImageDbContext>
{
    public SystemImageDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SystemImageDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> create PostgreSQL migrations without a server (none is contacted).</summary>
internal sealed class DesignTimePostgreSqlContextFactory : IDesignTimeDbContextFactory<PostgreSqlDbContext>
{
    public PostgreSqlDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlDbContext>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
