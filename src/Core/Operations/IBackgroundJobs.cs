namespace SystemImage.Core.Operations;

/// <summary>
/// Work that runs as a background job of the host (imports, re-signing, key rotation), queued by the API and the admin
/// UI alike. Each job is recorded as a run (<see cref="Importing.ImportRuns"/>) whose progress and log can be followed.
/// </summary>
public interface IBackgroundJobs
{
    /// <summary>Queues an import of <paramref name="channel"/>; refuses unknown, manual and paused channels.</summary>
    Task<(OperationResult Result, int? RunId, string? JobId)> ImportNowAsync(string channel, Actor actor, CancellationToken cancellationToken);

    /// <summary>Queues a re-sign of the whole tree.</summary>
    Task<(int RunId, string JobId)> ResignNowAsync(Actor actor, CancellationToken cancellationToken);

    /// <summary>Queues the rotation of the signing key <paramref name="key"/>; refuses keys that cannot be rotated.</summary>
    Task<(OperationResult Result, int? RunId, string? JobId)> RotateNowAsync(string key, Actor actor, CancellationToken cancellationToken);

    /// <summary>Queues the adoption of a classic installation on the server's disk (adopt-tree).</summary>
    Task<(int RunId, string JobId)> AdoptNowAsync(Classic.AdoptionRequest request, Actor actor, CancellationToken cancellationToken);
}
