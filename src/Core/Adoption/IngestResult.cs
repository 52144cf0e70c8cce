namespace SystemImage.Core.Adoption;

/// <summary>What one read of an access log did: lines read, lines skipped because an earlier read counted them, downloads counted.</summary>
public sealed record IngestResult(long Lines, long AlreadyIngested, long Counted);
