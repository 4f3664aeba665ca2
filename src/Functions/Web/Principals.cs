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
/// injects <c>X-MS-CLIENT-PRINCIPAL</c>, base64 of <c>{"auth_typ", "claims": [{"typ", "val"}], "name_typ", "role_typ"}</c>
/// (claim types after App Service's default claims mapping), and <c>X-MS-CLIENT-PRINCIPAL-NAME</c>, the principal's name;
/// external requests cannot set these headers (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
/// </summary>
/// <remarks>
/// The names an account is matched by are its sign-in names, which only the directory's administrators set: <c>upn</c>
/// (short or mapped), <c>preferred_username</c> (the v2.0 endpoint's sign-in name, the UPN of a member), and the claim
/// <c>name_typ</c> names together with <c>X-MS-CLIENT-PRINCIPAL-NAME</c> (its value). Never the display name (<c>name</c>:
/// "display purposes only", settable by whoever administers a guest's home account), and never an email claim
/// (<c>email</c>, <c>emails</c>, the mapped <c>emailaddress</c>): the Microsoft identity platform says the email claim "isn't
/// guaranteed to be correct ... never use it for authorization", and a user without a mailbox may set any address as their
/// mail attribute (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference,
/// https://learn.microsoft.com/entra/identity-platform/migrate-off-email-claim-authorization). When <c>name_typ</c> is an
/// email or the display name, as App Service sets it for some Entra tokens (<c>.../claims/emailaddress</c>), that claim and
/// the name header (the same value) are left out too; the account is then matched by its UPN or preferred_username.
/// </remarks>
internal sealed class AppServicePrincipalSource : IPrincipalSource
{
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL";
    public const string NameHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>The sign-in name claims, besides the one <c>name_typ</c> names.</summary>
    private static readonly string[] SignInClaims =
    [
        "preferred_username", "upn",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    ];

    /// <summary>Claims that are no sign-in name even when <c>name_typ</c> names them: display names and unverified mail.</summary>
    private static readonly string[] NotSignInClaims =
    [
        "name", "email", "emails", "unique_name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
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

            // The name header is the value of the name_typ claim: both count, or neither.
            var nameType = root.TryGetProperty("name_typ", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var nameIsSignIn = nameType is { Length: > 0 } && !NotSignInClaims.Contains(nameType, StringComparer.OrdinalIgnoreCase);
            if (nameHeader is not null && nameIsSignIn)
            {
                names.Add(nameHeader);
            }

            foreach (var claim in claims.EnumerateArray())
            {
                if (claim.ValueKind == JsonValueKind.Object
                    && claim.TryGetProperty("typ", out var typ) && typ.ValueKind == JsonValueKind.String
                    && claim.TryGetProperty("val", out var val) && val.ValueKind == JsonValueKind.String
                    && ((nameIsSignIn && string.Equals(typ.GetString(), nameType, StringComparison.Ordinal)) || SignInClaims.Contains(typ.GetString(), StringComparer.OrdinalIgnoreCase))
                    && val.GetString()?.Trim() is { Length: > 0 } value)
                {
                    names.Add(value);
                }
            }
        }
        catch (JsonException)
        {
            return new Principal.Unreadable($"{PrincipalHeader} 不是 JSON。");
        }

        var distinct = names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return distinct.Count == 0 ? new Principal.Unreadable($"{PrincipalHeader} 中没有登录名（upn、preferred_username）。") : new Principal.Account(distinct);
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
    /// <summary>The person a signed-in account is (<see cref="Accounts.Match"/>: Login first, then Email; two people refused).</summary>
    public static AccountMatch Match(Configuration configuration, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(names);
        return Accounts.Match(configuration.People.Values, names);
    }

    public static Viewer Of(Configuration configuration, Contact person) =>
        new(person, WebRoles.Of(person, configuration.Roster.SupervisionOffice));

    /// <summary>The 403 page's text for an account several people answer to: who they are, and whom to ask.</summary>
    public static string Conflict(IReadOnlyList<string> names, AccountMatch.Ambiguous ambiguous)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(ambiguous);
        var column = ambiguous.ByLogin ? "登录账号" : "邮箱";
        var who = string.Join("、", ambiguous.People.Select(p => $"{p.Name}（人员编号 {p.Id.Value}）"));
        return $"您登录的账号（{string.Join("、", names)}）在人员表中同时是 {ambiguous.People.Count} 个人员的“{column}”：{who}，无法确定您是哪一位，"
            + "为免按错误的角色显示，暂不允许访问。请联系督查室改正人员表：每个账号只登记给一个人员（要登录的人可在“登录账号”列填写此账号，登录账号优先于邮箱），导入后即可访问。";
    }

    /// <summary>The 403 page's text for a person without web access: why, and what the office should change.</summary>
    public static string NoAccess(Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var person = viewer.Person;
        var who = $"人员“{person.Name}”（{person.Id.Value}）";
        return person.UnknownUnit is { } unit
            ? $"{who}在人员表中的所属单位“{unit}”不是单位表中的单位编号，改正前不能访问网页。请联系督查室在人员表中改正所属单位，导入后即可访问。"
            : $"{who}的网页角色为“无”，或是没有所属单位的填报员。如需查看，请联系督查室在人员表中设置网页角色。";
    }
}
