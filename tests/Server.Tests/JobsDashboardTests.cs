using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SystemImage.Core.Persistence.Entities;
using SystemImage.Server.Jobs;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// The Hangfire dashboard answers only admins on an allowed network (default: this machine), whatever their role
/// elsewhere; and API token listings carry exactly the documented fields.
/// </summary>
[Collection(InProcessServerCollection.Name)]
public sealed class JobsDashboardTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    [Fact]
    public async Task AnAdminOnThisMachineGetsInAndOtherRolesDoNot()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        using var publisher = await ApiClient.WithRoleAsync(server, Role.Publisher);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await publisher.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("")]
    [InlineData("192.168.1.0/24, fd00::/8")]
    public async Task AnAdminFromAnAddressNotAllowedIsRefused(string networks)
    {
        var restricted = InProcessServer.WithArguments($"--SystemImage:Jobs:DashboardAllowedNetworks={networks}");
        await restricted.InitializeAsync();
        try
        {
            using var admin = await ApiClient.WithRoleAsync(restricted, Role.Admin);

            Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync(new Uri("/admin/jobs/stats", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/v1/jobs", UriKind.Relative))).StatusCode);
        }
        finally
        {
            await restricted.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.10.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.7", false)]
    [InlineData("::ffff:10.0.0.7", false)]
    [InlineData("2001:db8::1", false)]
    public void TheDefaultNetworksAreThisMachine(string address, bool allowed)
    {
        var filter = new AdminDashboardAuthorization(new JobsOptions().DashboardNetworks());

        Assert.Equal(allowed, filter.IsAllowed(IPAddress.Parse(address)));
    }

    [Fact]
    public void ANetworkThatIsNotCidrStopsTheServerFromStarting()
    {
        var options = new JobsOptions { DashboardAllowedNetworks = "127.0.0.0/8, localhost" };
        var errors = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        Assert.Equal("DashboardAllowedNetworks: 'localhost' is not a network in CIDR notation, such as 127.0.0.0/8 or 10.1.0.0/16.", Assert.Single(errors).ErrorMessage);
        Assert.Throws<OptionsValidationException>(() =>
            InProcessServer.WithArguments("--SystemImage:Jobs:DashboardAllowedNetworks=everywhere").InitializeAsync().GetAwaiter().GetResult());
    }

    [Fact]
    public async Task TokenJsonHasTheDocumentedFieldsOnly()
    {
        using var admin = await ApiClient.WithRoleAsync(server, Role.Admin);
        var created = await ApiClient.JsonAsync(admin.PostAsJsonAsync("/api/v1/tokens", new { name = "json-shape", role = "viewer" }));
        var id = created["token"]!["id"]!.GetValue<int>();
        string[] fields = ["createdAt", "createdBy", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role"];

        Assert.Equal(["secret", "token"], Keys(created));
        Assert.Equal(fields, Keys(created["token"]!));
        Assert.Equal(fields, Keys(await ApiClient.JsonAsync(admin.GetAsync(new Uri($"/api/v1/tokens/{id}", UriKind.Relative)))));
        Assert.All((await ApiClient.JsonAsync(admin.GetAsync(new Uri("/api/v1/tokens", UriKind.Relative)))).AsArray(), token => Assert.Equal(fields, Keys(token!)));
    }

    private static string[] Keys(JsonNode node) => [.. node.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];
}
