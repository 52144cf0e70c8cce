using System.Text.Json;
using System.Text.Json.Serialization;

namespace SystemImage.Server.Hosting;

/// <summary>
/// How enumerations read in JSON on every surface, the REST API and the verbs' <c>--json</c> alike: the member's name
/// in lower case (<c>"manual"</c>, <c>"publisher"</c>, <c>"active"</c>), never its number.
/// </summary>
internal sealed class LowerCaseNames : JsonNamingPolicy
{
    private static readonly LowerCaseNames Policy = new();

    public override string ConvertName(string name) => name.ToLowerInvariant();

    /// <summary>A converter writing (and reading, in any case) enumerations by their lower-case names.</summary>
    public static JsonStringEnumConverter EnumConverter() => new(Policy);
}
