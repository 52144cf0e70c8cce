using Xunit;

namespace SystemImage.Core.Tests.Signing;

/// <summary>Test classes in this collection share one <see cref="SigningKeysFixture"/>, so keys are generated once.</summary>
[CollectionDefinition(Name)]
public sealed class SigningKeysCollection : ICollectionFixture<SigningKeysFixture>
{
    public const string Name = "Signing keys";
}
