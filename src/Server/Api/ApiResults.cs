using Microsoft.AspNetCore.Http.HttpResults;
using SystemImage.Core.Operations;

namespace SystemImage.Server.Api;

/// <summary>Maps Core outcomes to HTTP: problem details with the operation's message as the detail.</summary>
internal static class ApiResults
{
    public static ProblemHttpResult Problem(OperationResult result) => TypedResults.Problem(
        detail: result.Message,
        statusCode: result.Status switch
        {
            OperationStatus.NotFound => StatusCodes.Status404NotFound,
            OperationStatus.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        });

    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound);

    /// <summary>A channel name from a path segment: <c>ubuntu-touch%2Fstable</c> is <c>ubuntu-touch/stable</c>.</summary>
    public static string Name(string segment) => Uri.UnescapeDataString(segment);

    /// <summary>A channel name for a path segment.</summary>
    public static string Segment(string name) => Uri.EscapeDataString(name);
}
