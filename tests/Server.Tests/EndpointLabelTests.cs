using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using SystemImage.Server.Jobs;
using SystemImage.Server.Metrics;
using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>The <c>endpoint</c> label of the HTTP request metrics: a route template, the dashboard, or one value for the tree.</summary>
public sealed class EndpointLabelTests
{
    private static readonly RouteEndpoint Channel = new(
        _ => Task.CompletedTask, RoutePatternFactory.Parse("/api/v1/channels/{channel}"), 0, EndpointMetadataCollection.Empty, "channel");

    private static DefaultHttpContext Request(string path) => new() { Request = { Path = path } };

    [Fact]
    public void ARoutedRequestIsLabelledByItsTemplateNotItsPath()
    {
        var context = Request("/api/v1/channels/stable");
        context.SetEndpoint(Channel);

        Assert.Equal("/api/v1/channels/{channel}", MetricsExtensions.EndpointLabel(context));
    }

    [Fact]
    public void ARequestWhoseEndpointThrewKeepsItsTemplateAfterTheExceptionHandlerClearedIt()
    {
        var context = Request("/api/v1/channels/stable");
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Endpoint = Channel, Error = new IOException("disk full"), Path = "/api/v1/channels/stable" });

        Assert.Equal("/api/v1/channels/{channel}", MetricsExtensions.EndpointLabel(context));
    }

    [Theory]
    [InlineData("/stable/mako/index.json")]
    [InlineData("/pool/ubuntu-0123456789abcdef.tar.xz")]
    [InlineData("/no/such/file")]
    public void EveryOtherRequestIsTheStaticTree(string path)
    {
        Assert.Equal(MetricsExtensions.StaticTreeEndpoint, MetricsExtensions.EndpointLabel(Request(path)));
    }

    [Fact]
    public void TheJobsDashboardIsOneLabelForAllItsPages()
    {
        Assert.Equal(JobsExtensions.DashboardPath, MetricsExtensions.EndpointLabel(Request(JobsExtensions.DashboardPath + "/jobs/succeeded")));
    }
}
