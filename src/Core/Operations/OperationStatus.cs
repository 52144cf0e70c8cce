namespace SystemImage.Core.Operations;

/// <summary>How an operation ended; each surface maps it (HTTP status, exit code, UI message).</summary>
public enum OperationStatus
{
    Success,

    /// <summary>The input is malformed (bad name, out-of-range value).</summary>
    Invalid,

    /// <summary>A named channel, device or image does not exist.</summary>
    NotFound,

    /// <summary>The request contradicts the current state (already exists, wrong kind of channel).</summary>
    Conflict,
}
