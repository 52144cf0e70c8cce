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

    /// <summary>The detail of a problem the framework reports without one, such as a body that is not valid JSON.</summary>
    public static string? DefaultDetail(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read: send a valid JSON body of the documented shape, and query and path values of the documented types.",
        StatusCodes.Status401Unauthorized => "A valid API token is required: send 'Authorization: Bearer <token>'.",
        StatusCodes.Status403Forbidden => "The token's role does not allow this request.",
        StatusCodes.Status404NotFound => "There is no such route in the API.",
        StatusCodes.Status405MethodNotAllowed => "The route does not take this HTTP method.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large: an image upload takes at most SystemImage:Api:MaxUploadBytes, any other request 30 MB.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body with the documented content type (application/json, multipart/form-data or text/plain).",
        _ => null,
    };

    /// <summary>A channel name from a path segment: <c>ubuntu-touch%2Fstable</c> is <c>ubuntu-touch/stable</c>.</summary>
    public static string Name(string segment) => Uri.UnescapeDataString(segment);

    /// <summary>A channel name for a path segment.</summary>
    public static string Segment(string name) => Uri.EscapeDataString(name);
}
