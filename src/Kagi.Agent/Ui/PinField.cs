using System.Text;

namespace Kagi.Agent.Ui;

/// <summary>A labelled password field with its error message tied by aria-describedby and an optional on-screen keyboard.</summary>
internal static class PinField
{
    public static string Render(Texts t, string name, string label, string? error, bool autofocus, string? hint = null)
    {
        var html = new StringBuilder("<div class=\"field\">");
        string describedBy = $"{name}-error" + (hint is null ? string.Empty : $" {name}-hint");
        html.Append("<label for=\"").Append(name).Append("\">").Append(Html.E(label)).Append("</label>")
            .Append("<input type=\"password\" id=\"").Append(name).Append("\" name=\"").Append(name)
            .Append("\" autocomplete=\"off\" maxlength=\"64\" spellcheck=\"false\" aria-describedby=\"").Append(describedBy).Append('"')
            .Append(error is null ? string.Empty : " aria-invalid=\"true\"").Append(autofocus ? " autofocus" : string.Empty).Append('>')
            .Append("<button type=\"button\" class=\"osk-toggle\" data-for=\"").Append(name).Append("\" aria-expanded=\"false\">")
            .Append(Html.E(t["ScreenKeyboard"])).Append("</button>");
        if (hint is not null)
        {
            html.Append("<p class=\"hint\" id=\"").Append(name).Append("-hint\">").Append(Html.E(hint)).Append("</p>");
        }

        html.Append("<p class=\"error\" id=\"").Append(name).Append("-error\"").Append(error is null ? string.Empty : " role=\"alert\"").Append('>')
            .Append(Html.E(error)).Append("</p></div>");
        return html.ToString();
    }
}

/// <summary>
/// The explicit "yes" before the final PIN try (the token signals that one more wrong PIN locks it), as the CLI asks
/// for it: a required checkbox on the form, and a server-side check that refuses the attempt without touching the token.
/// </summary>
internal static class FinalTryConfirmation
{
    /// <summary>The form field's name.</summary>
    public const string FieldName = "confirmFinalTry";

    /// <summary>The checkbox with its label (the warning) and its error, for a form whose token is at the final try.</summary>
    public static string Render(Texts t, string? error) =>
        "<div class=\"field confirm\"><input type=\"checkbox\" id=\"" + FieldName + "\" name=\"" + FieldName + "\" value=\"yes\" required aria-describedby=\"" + FieldName + "-error\"" +
        (error is null ? string.Empty : " aria-invalid=\"true\"") + "> <label for=\"" + FieldName + "\">" + Html.E(t["FinalTryConfirm"]) + "</label>" +
        "<p class=\"error\" id=\"" + FieldName + "-error\"" + (error is null ? string.Empty : " role=\"alert\"") + ">" + Html.E(error) + "</p></div>";

    /// <summary>True when the form carries the confirmation.</summary>
    public static bool Given(Microsoft.AspNetCore.Http.IFormCollection form) => form[FieldName].ToString() == "yes";
}
