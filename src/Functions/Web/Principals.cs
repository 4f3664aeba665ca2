using System.Text;
using System.Text.Json;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Escalation.Functions.Web;

/// <summary>Who a request says it comes from, before it is matched to a person.</summary>
internal abstract record Principal
{
    private Principal()
    {
    }

    /// <summary>Nobody signed in.</summary>
    public sealed record Anonymous : Principal;

    /// <summary>A sign-in the handler cannot read (a header that is not base64 JSON of the documented shape).</summary>
    public sealed record Unreadable(string Reason) : Principal;

    /// <summary>Signed in with Entra ID: the names to match against people's Login and Email, the first one shown.</summary>
    public sealed record Account(IReadOnlyList<string> Names) : Principal;

    /// <summary>Signed in with the local development sign-in as a person of the people table.</summary>
    public sealed record Person(PersonId Id) : Principal;
}

/// <summary>Where the signed-in principal comes from: App Service authentication in Azure, the development cookie locally.</summary>
internal interface IPrincipalSource
{
    Principal Read(HttpRequest request);

    /// <summary>True when <c>/signin</c> offers the development sign-in (local <c>web</c> only, never <c>serve</c>).</summary>
    bool DevelopmentSignIn { get; }
}

/// <summary>
/// App Service authentication (Easy Auth) in front of the handler: it signs the user in with Microsoft Entra ID and
/// injects <c>X-MS-CLIENT-PRINCIPAL</c>, base64 of <c>{"auth_typ", "claims": [{"typ", "val"}], "name_typ", "role_typ"}</c>,
/// and <c>X-MS-CLIENT-PRINCIPAL-NAME</c>; external requests cannot set these headers
/// (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
/// </summary>
internal sealed class AppServicePrincipalSource : IPrincipalSource
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>Claims that may carry the sign-in name or the mailbox, besides the one <c>name_typ</c> names.</summary>
    private static readonly string[] NameClaims =
    [
        "preferred_username", "upn", "email", "emails", "name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    ];

    public bool DevelopmentSignIn => false;

    public Principal Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[PrincipalHeader].ToString();
        var name = request.Headers[NameHeader].ToString();
        return Parse(string.IsNullOrEmpty(header) ? null : header, string.IsNullOrWhiteSpace(name) ? null : name.Trim());
    }

    /// <summary>Reads the header's payload; never throws on what a request carries.</summary>
    public static Principal Parse(string? header, string? nameHeader)
    {
        if (header is null)
        {
            return new Principal.Anonymous();
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(header.Trim());
        }
        catch (FormatException)
        {
            return new Principal.Unreadable($"{PrincipalHeader} 不是 base64 编码。");
        }

        var names = new List<string>();
        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("claims", out var claims) || claims.ValueKind != JsonValueKind.Array)
            {
                return new Principal.Unreadable($"{PrincipalHeader} 中没有 claims 数组。");
            }

            var nameType = root.TryGetProperty("name_typ", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (nameHeader is not null)
            {
                names.Add(nameHeader);
            }

            foreach (var claim in claims.EnumerateArray())
            {
                if (claim.ValueKind == JsonValueKind.Object
                    && claim.TryGetProperty("typ", out var typ) && typ.ValueKind == JsonValueKind.String
                    && claim.TryGetProperty("val", out var val) && val.ValueKind == JsonValueKind.String
                    && (string.Equals(typ.GetString(), nameType, StringComparison.Ordinal) || NameClaims.Contains(typ.GetString(), StringComparer.OrdinalIgnoreCase))
                    && val.GetString() is { Length: > 0 } value)
                {
                    names.Add(value.Trim());
                }
            }
        }
        catch (JsonException)
        {
            return new Principal.Unreadable($"{PrincipalHeader} 不是 JSON。");
        }

        var distinct = names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return distinct.Count == 0 ? new Principal.Unreadable($"{PrincipalHeader} 中没有登录名或邮箱。") : new Principal.Account(distinct);
    }
}

/// <summary>
/// The local development sign-in: <c>/signin</c> lets whoever runs <c>web</c> pick a person, remembered in a cookie
/// protected with ASP.NET Core data protection. Only the <c>web</c> command builds it.
/// </summary>
internal sealed class DevelopmentPrincipalSource(IDataProtectionProvider protection) : IPrincipalSource
{
    public const string CookieName = "escalation-dev-person";

    private readonly IDataProtector _protector = protection.CreateProtector("Escalation.Web.DevelopmentSignIn");

    public bool DevelopmentSignIn => true;

    public Principal Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
        {
            return new Principal.Anonymous();
        }

        try
        {
            var id = Encoding.UTF8.GetString(_protector.Unprotect(Convert.FromBase64String(cookie)));
            return UnitId.IsValid(id) ? new Principal.Person(new PersonId(id)) : new Principal.Anonymous();
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            // A cookie of an earlier key ring or a tampered one: signed out.
            return new Principal.Anonymous();
        }
    }

    public void SignIn(HttpResponse response, PersonId person)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(CookieName, Convert.ToBase64String(_protector.Protect(Encoding.UTF8.GetBytes(person.Value))),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
    }

    public static void SignOut(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
    }
}

/// <summary>The person behind a request, with their role: what they may see and do.</summary>
internal sealed record Viewer(Contact Person, WebRole Role)
{
    /// <summary>The office and leadership see every unit; a reporter only their own.</summary>
    public bool CanSee(UnitId unit) => Role is WebRole.Office or WebRole.Leader || (Role == WebRole.Reporter && Person.Unit == unit);

    /// <summary>Leadership reads only.</summary>
    public bool ReadOnly => Role == WebRole.Leader;

    /// <summary>The one unit a reporter is limited to; null for those who see all.</summary>
    public UnitId? OnlyUnit => Role == WebRole.Reporter ? Person.Unit : null;

    public string RoleName => Role switch
    {
        WebRole.Office => "督查室",
        WebRole.Reporter => "填报员",
        WebRole.Leader => "领导（只读）",
        _ => "无",
    };
}

/// <summary>How a principal maps to a viewer.</summary>
internal static class Viewers
{
    /// <summary>
    /// The person a signed-in account is: the first person whose <c>Login</c> or <c>Email</c> equals one of the account's
    /// names, ignoring case. Null when none does.
    /// </summary>
    public static Contact? Match(Configuration configuration, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(names);
        return configuration.People.Values
            .Where(p => p.Robot is null)
            .OrderBy(p => p.Id.Value, StringComparer.Ordinal)
            .FirstOrDefault(p => names.Any(n => string.Equals(n, p.Login, StringComparison.OrdinalIgnoreCase) || string.Equals(n, p.Email, StringComparison.OrdinalIgnoreCase)));
    }

    public static Viewer Of(Configuration configuration, Contact person) =>
        new(person, WebRoles.Of(person, configuration.Roster.SupervisionOffice));
}
