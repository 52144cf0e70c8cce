namespace SystemImage.Admin.Ui.Shared;

/// <summary>How the UI words an exception an action threw: its innermost message, which names the cause ("no such table").</summary>
public static class ActionFailure
{
    public static string Reason(Exception exception) =>
        exception.GetBaseException().Message is { Length: > 0 } message ? message : exception.GetType().Name;
}
