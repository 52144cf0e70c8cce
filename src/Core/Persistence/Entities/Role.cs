namespace SystemImage.Core.Persistence.Entities;

/// <summary>What a token or user may do; each role includes the ones before it (API.md "Auth").</summary>
public enum Role
{
    /// <summary>Every read.</summary>
    Viewer = 0,

    /// <summary>Imports, uploads, copy, tag, phase, descriptions, remove image.</summary>
    Publisher = 1,

    /// <summary>Channels, devices, aliases, redirects, configuration, keys, tokens, users, tree maintenance.</summary>
    Admin = 2,
}
