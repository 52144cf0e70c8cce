using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SystemImage.Core.Persistence;

/// <summary>Lets <c>dotnet ef</c> create migrations without starting the server.</summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<SystemImageDbContext>
{
    public SystemImageDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SystemImageDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
