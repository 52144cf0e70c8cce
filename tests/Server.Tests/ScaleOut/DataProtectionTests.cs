using System.Net;
using Xunit;

namespace SystemImage.Server.Tests.ScaleOut;

/// <summary>The keys behind sign-in cookies and form tokens are kept in the data directory, which every node shares.</summary>
[Collection(InProcessServerCollection.Name)]
public sealed class DataProtectionTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    [Fact]
    public async Task TheKeysThatProtectCookiesAndFormsAreInTheDataDirectory()
    {
        using var signIn = await server.Http.GetAsync(new Uri("/admin/sign-in", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var keys = Path.Combine(server.DataDir, "secrets", "data-protection");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }
}
