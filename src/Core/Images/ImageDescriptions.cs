using System.Text;

namespace SystemImage.Core.Images;

/// <summary>The one check of an image's description and translations, whatever surface they come from.</summary>
public static class ImageDescriptions
{
    /// <summary>Why <paramref name="description"/> and <paramref name="translations"/> cannot be published, or null.</summary>
    public static string? Validate(string? description, IReadOnlyDictionary<string, string>? translations, DescriptionOptions limits)
    {
        if (description is not null && TextError("The description", description, limits) is { } error)
        {
            return error;
        }

        if (translations is null)
        {
            return null;
        }

        if (translations.Count > limits.MaxTranslations)
        {
            return $"An image may carry at most {limits.MaxTranslations} translations, not {translations.Count} (SystemImage:Descriptions:MaxTranslations).";
        }

        foreach (var (language, text) in translations)
        {
            if (!IsLanguage(language))
            {
                return $"'{Shortened(language)}' is not a language code (use e.g. de, pt_BR).";
            }

            if (TextError($"The '{language}' translation", text, limits) is { } translationError)
            {
                return translationError;
            }
        }

        return null;
    }

    private static string? TextError(string what, string text, DescriptionOptions limits)
    {
        if (text.Any(char.IsControl))
        {
            return "Descriptions may not contain control characters.";
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes > limits.MaxBytes
            ? $"{what} is {bytes} bytes long; the limit is {limits.MaxBytes} bytes (SystemImage:Descriptions:MaxBytes)."
            : null;
    }

    private static bool IsLanguage(string code) =>
        code.Length is >= 2 and <= 16 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@');

    private static string Shortened(string value) =>
        string.Concat(value.Take(40).Select(c => char.IsControl(c) ? '?' : c)) + (value.Length > 40 ? "…" : "");
}
