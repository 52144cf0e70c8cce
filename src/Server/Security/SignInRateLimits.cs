using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SystemImage.Admin.Ui;

namespace SystemImage.Server.Security;

/// <summary>
/// ASP.NET Core's rate limiter on password attempts (the posts of the sign-in and password-change forms): a sliding
/// minute per client address and another per typed user name, chained, so neither many names from one address nor
/// one name from many addresses gets through faster than configured (<see cref="SignInRateLimitOptions"/>).
/// </summary>
internal static partial class SignInRateLimits
{
    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInRateLimitOptions>().Bind(configuration.GetSection(SignInRateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInRateLimitOptions>>((options, limits) =>
        {
            var perClient = limits.Value.PermitsPerClientPerMinute;
            var perUser = limits.Value.PermitsPerUserPerMinute;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => IsAttempt(http)
                    ? RateLimitPartition.GetSlidingWindowLimiter("client " + ClientAddress.RateLimitKey(http), _ => PerMinute(perClient))
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http => IsAttempt(http) && TypedNameOrNull(http) is { } name
                    ? RateLimitPartition.GetSlidingWindowLimiter("user " + name, _ => PerMinute(perUser))
                    : RateLimitPartition.GetNoLimiter("")));
        });
        return services;
    }

    /// <summary>Reads an attempt's form first (so the limiter can count its user name), then applies the limits.</summary>
    public static IApplicationBuilder UseSignInRateLimits(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (IsAttempt(context) && context.Request.HasFormContentType)
            {
                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    // A malformed form is the page's to refuse; without a name only the per-client limit counts it.
                }
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }

    /// <summary>A post of the sign-in or password-change form.</summary>
    private static bool IsAttempt(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && (IsPage(http.Request.Path, AdminRoutes.SignIn) || IsPage(http.Request.Path, AdminRoutes.Account));

    private static bool IsPage(PathString path, string page) =>
        path.StartsWithSegments(page, StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/");

    /// <summary>The user name posted with the sign-in form, as accounts compare it (trimmed, any case), or null.</summary>
    private static string? TypedNameOrNull(HttpContext http)
    {
        var name = http.Features.Get<IFormFeature>()?.Form?["name"].ToString().Trim();
        return string.IsNullOrEmpty(name) ? null : name[..Math.Min(name.Length, 101)].ToUpperInvariant();
    }

    private static SlidingWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        SegmentsPerWindow = 6,
        QueueLimit = 0,
    };

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        LogRejected(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimits)), ClientAddress.Of(http), http.Request.Path);
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync($"Too many sign-in attempts: try again in {seconds} seconds.", cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Too many password attempts from {Client} (or on the user name they typed): {Path} refused with 429")]
    private static partial void LogRejected(ILogger logger, string client, string path);
}
