using System.Net;
using System.Text;
using Kagi.Agent.Security;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Ui;

/// <summary>Small helpers for the server-rendered pages: encoding, the layout, and forms carrying the run token.</summary>
internal static class Html
{
    /// <summary>HTML-encodes <paramref name="value"/>.</summary>
    public static string E(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);

    /// <summary>The opening of a POST form to <paramref name="action"/> with the run token field.</summary>
    public static string Form(string action, RunToken token, string attributes = "") =>
        $"<form method=\"post\" action=\"{E(action)}\" {attributes}><input type=\"hidden\" name=\"{RunToken.FieldName}\" value=\"{token.Value}\">";

    /// <summary>A whole page with the common header, language switch, live notice area and scripts.</summary>
    public static IResult Page(HttpContext context, Texts t, string title, string body, RunToken token, int status = 200)
    {
        string path = context.Request.Path.Value ?? "/";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"").Append(t.Code).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" - ").Append(E(t["AppName"])).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"/static/agent.css\">")
            .Append("<meta name=\"kagi-run-token\" content=\"").Append(token.Value).Append("\">")
            .Append("</head><body>")
            .Append("<a class=\"skip\" href=\"#main\">").Append(E(t["SkipToContent"])).Append("</a>")
            .Append("<header><a class=\"brand\" href=\"/\">").Append(E(t["AppName"])).Append("</a><nav aria-label=\"")
            .Append(E(t["LanguageNav"])).Append("\">")
            .Append(t.English ? $"<a href=\"{E(path)}?lang=ja\" lang=\"ja\">日本語</a>" : $"<a href=\"{E(path)}?lang=en\" lang=\"en\">English</a>")
            .Append("</nav></header>")
            .Append("<div id=\"notices\" role=\"status\" aria-live=\"polite\" data-inserted=\"").Append(E(t["NoticeInserted"]))
            .Append("\" data-removed=\"").Append(E(t["NoticeRemoved"])).Append("\"></div>")
            .Append("<main id=\"main\" tabindex=\"-1\"><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main>")
            .Append("<script src=\"/static/agent.js\"></script></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
