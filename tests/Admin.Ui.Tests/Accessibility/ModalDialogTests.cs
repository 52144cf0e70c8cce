using Bunit;
using SystemImage.Admin.Ui.Shared;
using Xunit;

namespace SystemImage.Admin.Ui.Tests.Accessibility;

/// <summary>ConfirmDialog as a modal: its script traps focus while it is open and gives it back when it closes; Escape cancels.</summary>
public sealed class ModalDialogTests : UiTestContext
{
    [Fact]
    public void OpeningTrapsFocusInTheDialogAndClosingReleasesIt()
    {
        var dialog = Render<ConfirmDialog>(p => p
            .Add(d => d.Open, false).Add(d => d.Title, "Rotate?").Add(d => d.OnConfirm, () => { }).Add(d => d.OnCancel, () => { }));
        Assert.Empty(DialogScript.Invocations);

        dialog.Render(p => p.Add(d => d.Open, true));
        var id = dialog.Find("[role=dialog]").Id;
        var trap = DialogScript.VerifyInvoke("trap");
        dialog.Render(p => p.Add(d => d.Open, false));

        Assert.Equal(id, trap.Arguments[0]);
        Assert.Equal(id, DialogScript.VerifyInvoke("release").Arguments[0]);
        Assert.Equal("-1", RenderOpen(null).Find("[role=dialog]").GetAttribute("tabindex"));
    }

    [Fact]
    public void FocusStartsOnTheTypedNameFieldOrElseOnCancel()
    {
        var typed = RenderOpen("stable");
        var plain = RenderOpen(null);

        Assert.Equal(["INPUT"], typed.FindAll("[data-autofocus]").Select(e => e.TagName));
        Assert.Equal(["Cancel"], plain.FindAll("[data-autofocus]").Select(e => e.TextContent));
    }

    [Fact]
    public async Task EscapeFromTheScriptCancelsOnlyAnOpenDialog()
    {
        var cancelled = 0;
        var dialog = Render<ConfirmDialog>(p => p
            .Add(d => d.Open, true).Add(d => d.Title, "Remove?").Add(d => d.OnConfirm, () => { }).Add(d => d.OnCancel, () => cancelled++));

        await dialog.InvokeAsync(() => dialog.Instance.DismissFromKeyboard());
        dialog.Render(p => p.Add(d => d.Open, false));
        await dialog.InvokeAsync(() => dialog.Instance.DismissFromKeyboard());

        Assert.Equal(1, cancelled);
    }

    private IRenderedComponent<ConfirmDialog> RenderOpen(string? confirmText) => Render<ConfirmDialog>(p => p
        .Add(d => d.Open, true).Add(d => d.Title, "Remove?").Add(d => d.ConfirmText, confirmText).Add(d => d.OnConfirm, () => { }).Add(d => d.OnCancel, () => { }));
}
