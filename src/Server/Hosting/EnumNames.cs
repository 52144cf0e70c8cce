using System.Text.Json;
using System.Text.Json.Serialization;

namespace SystemImage.Server.Hosting;

/// <summary>
/// How enumerations read in JSON on every surface, the REST API and the verbs' <c>--json</c> alike: the member's name
/// in lower case, words joined by hyphens (<c>"manual"</c>, <c>"publisher"</c>, <c>"nothing-new"</c>), never its number.
/// </summary>
internal static class EnumNames
{
    /// <summary>A converter writing (and reading) enumerations by those names.</summary>
    public static JsonStringEnumConverter Converter() => new(JsonNamingPolicy.KebabCaseLower);
}
