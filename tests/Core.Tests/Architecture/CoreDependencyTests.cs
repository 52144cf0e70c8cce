using SystemImage.Core.Publishing;
using Xunit;

namespace SystemImage.Core.Tests.Architecture;

public sealed class CoreDependencyTests
{
    [Fact]
    public void CoreReferencesNeitherAspNetCoreNorBlazorNorHangfire()
    {
        var core = typeof(TreePublisher).Assembly;
        var forbidden = core.GetReferencedAssemblies()
            .Select(a => a.Name ?? "")
            .Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || n.StartsWith("Hangfire", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(forbidden);
        Assert.Equal("SystemImage.Core", core.GetName().Name);
    }

    [Fact]
    public void CoreProjectFileHasNoWebFrameworkReference()
    {
        var project = File.ReadAllText(Path.Combine(TestUtilities.RepositoryRoot.Path, "src", "Core", "Core.csproj"));

        Assert.DoesNotContain("Microsoft.AspNetCore", project, StringComparison.Ordinal);
        Assert.DoesNotContain("Hangfire", project, StringComparison.Ordinal);
        Assert.DoesNotContain("Sdk.Web", project, StringComparison.Ordinal);
    }
}
