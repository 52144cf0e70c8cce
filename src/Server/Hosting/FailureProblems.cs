using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using SystemImage.Core.Storage;

namespace SystemImage.Server.Hosting;

/// <summary>
/// Turns the failures that are not bugs into the problem they are, wherever they surface: a full disk is 507 with the
/// reason, a form without a valid anti-forgery token 400, a request Kestrel could not read its own status (400, 413),
/// and a client that went away 499 (nobody reads it). Anything else stays a 500.
/// </summary>
internal sealed partial class FailureProblems(IProblemDetailsService problems, ILogger<FailureProblems> logger) : IExceptionHandler
{
    /// <summary>Nginx's "client closed request": logged and counted, never seen by the client.</summary>
    public const int ClientClosedRequest = 499;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = exception switch
        {
            _ when DiskFull.CauseOrNull(exception) is { } cause => (StatusCodes.Status507InsufficientStorage, Sentence(DiskFull.Describe(cause))),
            AntiforgeryValidationException => (StatusCodes.Status400BadRequest,
                "The form's anti-forgery token is missing or not valid: reload the page and send the form again."),
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            // Another node may hold the lock now: the client tries again, as after any 503.
            SystemImage.Core.Publishing.PublishLockLostException lost => (StatusCodes.Status503ServiceUnavailable, lost.Message),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (ClientClosedRequest, null),
            _ => (0, null),
        };
        if (status == 0)
        {
            return false;
        }

        http.Response.StatusCode = status;
        if (detail is null)
        {
            return true;
        }

        LogFailure(logger, http.Request.Method, http.Request.Path, status, detail);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Detail = detail },
            Exception = exception,
        });
    }

    private static string Sentence(string reason) => string.Concat(char.ToUpperInvariant(reason[0]).ToString(), reason.AsSpan(1), ".");

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}: {Detail}")]
    private static partial void LogFailure(ILogger logger, string method, string path, int status, string detail);
}
