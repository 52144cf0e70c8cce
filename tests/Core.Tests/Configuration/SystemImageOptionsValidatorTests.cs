using SystemImage.Core.Configuration;
using Xunit;

namespace SystemImage.Core.Tests.Configuration;

public sealed class SystemImageOptionsValidatorTests
{
    [Theory]
    [InlineData("/srv/data", null, true)]
    [InlineData("/srv/data", "/var/www/system-image", true)]
    [InlineData("/srv/data", "/srv/data", false)]
    [InlineData("/srv/data", "/srv", false)]
    public void APublishRootMayNotContainTheSecretsOrTheDatabase(string dataDir, string? publishRoot, bool valid)
    {
        var result = new SystemImageOptionsValidator().Validate(null, new SystemImageOptions { DataDir = dataDir, PublishRoot = publishRoot });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("PublishRoot", result.FailureMessage);
        }
    }
}
