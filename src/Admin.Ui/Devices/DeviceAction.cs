using Microsoft.AspNetCore.Components;
using SystemImage.Core.Images;
using SystemImage.Core.Operations;
using SystemImage.Core.Persistence.Entities;

namespace SystemImage.Admin.Ui.Devices;

/// <summary>
/// The device page's action forms: they act on one device's images, check the publisher role (API.md gives copy, tag,
/// phase, descriptions and removal to publishers), call one Core method as the signed-in user and hand its result to
/// the page, which shows the server's message and reloads.
/// </summary>
public abstract class DeviceAction : ComponentBase
{
    [Inject]
    private UiSession Session { get; set; } = null!;

    [Parameter, EditorRequired]
    public required string Channel { get; set; }

    [Parameter, EditorRequired]
    public required string Device { get; set; }

    /// <summary>The device's images, newest first (as <see cref="ImageQueries"/> lists them).</summary>
    [Parameter, EditorRequired]
    public required IReadOnlyList<ImageSummary> Images { get; set; }

    [Parameter, EditorRequired]
    public required EventCallback<OperationResult> OnDone { get; set; }

    /// <summary>The full images' versions, newest first.</summary>
    protected IReadOnlyList<int> FullVersions => [.. Images.Where(i => i.Type == "full").Select(i => i.Version)];

    /// <summary>The full images, newest first: what copy, revert and tag pickers offer.</summary>
    protected IReadOnlyList<ImageSummary> FullImages => [.. Images.Where(i => i.Type == "full")];

    /// <summary>The image that speaks for <paramref name="version"/>: its full image, or a delta when the full one expired.</summary>
    protected ImageSummary ImageOf(int version) => Images.Where(i => i.Version == version).OrderBy(i => i.Type != "full").First();

    /// <summary>The newest version of any image, the one phasing applies to.</summary>
    protected int? LatestVersion => Images.Count == 0 ? null : Images.Max(i => i.Version);

    /// <summary>Runs <paramref name="action"/> as the signed-in user when they may change images, and reports its result.</summary>
    protected async Task RunAsync(Func<Actor, Task<OperationResult>> action) =>
        await OnDone.InvokeAsync(await Session.RunAsync(Role.Publisher, "change images", action));
}
