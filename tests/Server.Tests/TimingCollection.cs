using Xunit;

namespace SystemImage.Server.Tests;

/// <summary>
/// Test classes that measure how quickly the server answers: they run alone, so the other test classes' servers,
/// browsers and device clients do not take the CPU the measurement is about.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
