using Xunit;

namespace SystemImage.Core.Tests.Compression;

/// <summary>Tests that measure the process's memory run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemorySensitiveCollection
{
    public const string Name = "Memory-sensitive";
}
