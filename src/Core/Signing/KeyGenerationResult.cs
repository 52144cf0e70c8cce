namespace SystemImage.Core.Signing;

/// <summary>Outcome of <see cref="KeyStore.GenerateAll"/>.</summary>
public enum KeyGenerationResult
{
    /// <summary>All keys were generated and written.</summary>
    Generated,

    /// <summary>Key files already exist and <c>force</c> was not given; nothing was changed.</summary>
    KeysExist,
}
