namespace SystemImage.Core.Operations;

/// <summary>The outcome of an operation with a one-line, human-readable message.</summary>
public sealed record OperationResult(OperationStatus Status, string Message)
{
    public bool Succeeded => Status == OperationStatus.Success;

    public static OperationResult Ok(string message) => new(OperationStatus.Success, message);

    public static OperationResult Invalid(string message) => new(OperationStatus.Invalid, message);

    public static OperationResult NotFound(string message) => new(OperationStatus.NotFound, message);

    public static OperationResult Conflict(string message) => new(OperationStatus.Conflict, message);
}
