using System.ComponentModel.DataAnnotations;
using SystemImage.Core.Channels;

namespace SystemImage.Admin.Ui.Channels;

/// <summary>The new-channel form. Names are checked by Core; the form only insists on what it needs to send a request.</summary>
internal sealed class NewChannelModel : IValidatableObject
{
    public const string Plain = "plain";
    public const string Alias = "alias";
    public const string Redirect = "redirect";

    [Required(ErrorMessage = "Give the channel a name.")]
    public string? Name { get; set; }

    public string Kind { get; set; } = Plain;

    /// <summary>The channel an alias mirrors or a redirect points at.</summary>
    public string? Target { get; set; }

    public string? CopyDevicesFrom { get; set; }

    public bool Hidden { get; set; }

    public NewChannel ToRequest() => new(Name!.Trim())
    {
        Hidden = Kind == Redirect ? null : Hidden,
        Alias = Kind == Alias ? Target : null,
        Redirect = Kind == Redirect ? Target : null,
        CopyDevicesFrom = Kind == Plain && !string.IsNullOrEmpty(CopyDevicesFrom) ? CopyDevicesFrom : null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Kind != Plain && string.IsNullOrEmpty(Target))
        {
            yield return new ValidationResult($"Choose the channel the {Kind} {(Kind == Alias ? "mirrors" : "points at")}.", [nameof(Target)]);
        }
    }
}
