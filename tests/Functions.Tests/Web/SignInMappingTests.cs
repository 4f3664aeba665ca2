using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using Escalation.Functions.Web;
using NodaTime;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// How a signed-in Entra account becomes a person and a role: which names of the App Service principal count (sign-in
/// names, never the display name or an email claim), Login before Email, an account two people share refused with a
/// 403 naming them, a person whose Unit cell names no unit without access, and the antiforgery cookie Secure in Azure.
/// </summary>
public sealed class SignInMappingTests
{
    private const string NameUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
    private const string EmailUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
    private const string UpnUri = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn";

    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Units swj and fgw; dcs is the supervision office; sw-rep a reporter of swj; fgw-rep a reporter of fgw.</summary>
    private static Configuration Build(params PersonRow[] extra)
    {
        var rows = ConfigurationRows.Empty with
        {
            Units = [new UnitRow("swj", "商务局"), new UnitRow("fgw", "发改委")],
            People =
            [
                new PersonRow("dcs", "督查室", Email: "dcs@example.gov.cn"),
                new PersonRow("sw-rep", "周科长", "swj", Email: "zhou@swj.example.gov.cn"),
                new PersonRow("fgw-rep", "陈科员", "fgw", Email: "chen@fgw.example.gov.cn"),
                .. extra,
            ],
            Settings = [new SettingRow("SupervisionOffice", "dcs")],
        };
        return Configuration.Build(rows, ShippedCalendar.ChinaMainland, Zone).Configuration;
    }

    /// <summary>An <c>X-MS-CLIENT-PRINCIPAL</c> with the claims given and <paramref name="nameType"/> as its name_typ.</summary>
    private static string Header(string nameType, params (string Type, string Value)[] claims)
    {
        var array = new JsonArray();
        foreach (var (type, value) in claims)
        {
            array.Add(new JsonObject { ["typ"] = type, ["val"] = value });
        }

        var json = new JsonObject
        {
            ["auth_typ"] = "aad",
            ["claims"] = array,
            ["name_typ"] = nameType,
            ["role_typ"] = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    private static IReadOnlyList<string> Names(Principal principal) => Assert.IsType<Principal.Account>(principal).Names;

    // The name claim is the account's display name (whoever administers the account sets it; a B2B guest's home tenant
    // does): an account displayed as the office's mailbox must not sign in as the office.
    [Fact]
    public void Match_DoesNotTakeTheDisplayName_ForASignInName()
    {
        var configuration = Build();
        var principal = AppServicePrincipalSource.Parse(
            Header(NameUri, ("preferred_username", "mallory@contoso.example"), ("name", "dcs@example.gov.cn")), "mallory@contoso.example");

        var match = Viewers.Match(configuration, Names(principal));

        Assert.Equal(["mallory@contoso.example"], Names(principal));
        Assert.IsType<AccountMatch.Nobody>(match);
    }

    // Entra's email claim "isn't guaranteed to be correct ... never use it for authorization" (ID token claims reference),
    // and App Service names it (mapped) as name_typ for some tokens, putting the same value in the name header.
    [Fact]
    public void Parse_LeavesOutEmailClaims_AndTheNameHeader_WhenNameTypIsTheEmail()
    {
        var principal = AppServicePrincipalSource.Parse(
            Header(EmailUri, (EmailUri, "dcs@example.gov.cn"), ("email", "dcs@example.gov.cn"), ("emails", "dcs@example.gov.cn"),
                ("name", "督查室"), ("preferred_username", "mallory@contoso.example")),
            "dcs@example.gov.cn");

        Assert.Equal(["mallory@contoso.example"], Names(principal));
    }

    [Fact]
    public void Parse_TakesTheSignInNames_UpnPreferredUsernameTheNameTypClaimAndTheNameHeader()
    {
        var principal = AppServicePrincipalSource.Parse(
            Header(NameUri, (NameUri, "zhou@city.onmschina.cn"), (UpnUri, "zhou.upn@city.onmschina.cn"), ("upn", "ZHOU.UPN@city.onmschina.cn"),
                ("preferred_username", "zhou.pref@city.onmschina.cn"), ("aud", "00000000-0000-0000-0000-000000000001")),
            "zhou.header@city.onmschina.cn");

        Assert.Equal(["zhou.header@city.onmschina.cn", "zhou@city.onmschina.cn", "zhou.upn@city.onmschina.cn", "zhou.pref@city.onmschina.cn"], Names(principal));
    }

    [Fact]
    public void Parse_IsUnreadable_WhenTheOnlyNamesAreDisplayNamesOrEmails()
    {
        var principal = AppServicePrincipalSource.Parse(Header("name", ("name", "dcs@example.gov.cn"), ("email", "dcs@example.gov.cn")), "dcs@example.gov.cn");

        Assert.Contains("没有登录名", Assert.IsType<Principal.Unreadable>(principal).Reason, StringComparison.Ordinal);
    }

    // Two people share a mailbox (a unit's or the office's public mailbox is common): mapping the account to whichever
    // id sorts first gave the office's account to a reporter of swj.
    [Fact]
    public void Match_RefusesAnAccount_ThatMatchesTwoPeopleWithDifferentRoles()
    {
        var configuration = Build(new PersonRow("a-shared", "办公室", "swj", Email: "DCS@example.gov.cn"));

        var match = Viewers.Match(configuration, ["dcs@example.gov.cn"]);

        Assert.Equal(["a-shared", "dcs"], Assert.IsType<AccountMatch.Ambiguous>(match).People.Select(p => p.Id.Value));
    }

    // Login is "the Entra sign-in name when it is not the Email": the stronger match.
    [Fact]
    public void Match_PrefersThePersonWhoseLoginIsTheAccount_OverAnotherWhoseEmailIs()
    {
        var configuration = Build(
            new PersonRow("a-mail", "旧邮箱登记人", "fgw", Email: "li@city.example.cn"),
            new PersonRow("z-login", "李督查", Email: "li.dcs@example.gov.cn") { Role = "督查室", Login = "li@city.example.cn" });

        var match = Viewers.Match(configuration, ["li@city.example.cn"]);

        Assert.Equal("z-login", Assert.IsType<AccountMatch.One>(match).Person.Id.Value);
    }

    // A typo in a reporter's Unit cell dropped the unit, and a person without a unit defaults to leader: read access to
    // every unit. It fails closed until corrected.
    [Fact]
    public void Role_IsNone_WhenThePersonsUnitCellNamesNoUnit()
    {
        var configuration = Build(new PersonRow("typo-rep", "错单位", "swjj", Email: "typo@swj.example.gov.cn"));
        var person = configuration.People[new PersonId("typo-rep")];

        var viewer = Viewers.Of(configuration, person);

        Assert.Equal(WebRole.None, viewer.Role);
        Assert.Contains("所属单位“swjj”不是单位表中的单位编号", Viewers.NoAccess(viewer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Board_Answers403AccountConflict_NamingThePeopleWhoShareTheAccount()
    {
        await using var web = await Serve(tables => AddPerson(tables, "zjj-office", "住建局办公室", "zjj", email: "DCS@szf.gov.example"));

        var page = await web.Get("/board", PrincipalOf("dcs@szf.gov.example"));

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("账号冲突", page.Body, StringComparison.Ordinal);
        Assert.Contains("市政府督查室（人员编号 dcs-office）", page.Body, StringComparison.Ordinal);
        Assert.Contains("住建局办公室（人员编号 zjj-office）", page.Body, StringComparison.Ordinal);
        Assert.Contains("请联系督查室", page.Body, StringComparison.Ordinal);
        Assert.Empty(page.Rows);
        Assert.DoesNotContain("light-counts", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Board_Answers403NoAccess_ForAPersonWhoseUnitCellNamesNoUnit()
    {
        await using var web = await Serve(tables => AddPerson(tables, "fgw-typo", "错填单位", "fgww", login: "typo@fgw.partner.example"));

        var page = await web.Get("/board", PrincipalOf("typo@fgw.partner.example"));

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("没有网页权限", page.Body, StringComparison.Ordinal);
        Assert.Contains("所属单位“fgww”", page.Body, StringComparison.Ordinal);
        Assert.Empty(page.Rows);
    }

    // Reached over http://127.0.0.1 from the Functions host, the handler would mark the cookie Secure only for https
    // requests (SameAsRequest): never in Azure, though the browser only ever speaks HTTPS to the front end.
    [Fact]
    public async Task AntiforgeryCookie_IsSecure_InAzure_ThoughTheHandlerIsReachedOverHttp()
    {
        await using var web = await Serve();

        var page = await web.Get("/board", PrincipalOf("市政府督查室", "dcs@szf.gov.example"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var cookie = Assert.Single(page.Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSite.AntiforgeryCookie, StringComparison.Ordinal));
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
    }

    // The local web command is served over http://127.0.0.1: a Secure cookie would never come back.
    [Fact]
    public async Task AntiforgeryCookie_IsNotSecure_ForTheLocalWebCommand()
    {
        await using var web = await WebHarness.Local();

        var page = await web.Get("/signin");

        var cookie = Assert.Single(page.Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(WebSite.AntiforgeryCookie, StringComparison.Ordinal));
        Assert.DoesNotContain("secure", cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()));
    }

    // A reporter's page of a unit that does not exist is 403 like any other unit's: no probing which unit ids exist.
    [Theory]
    [InlineData("/units/nosuchunit")]
    [InlineData("/board?unit=nosuchunit")]
    public async Task Reporter_Gets403_NotA404_ForAUnitThatDoesNotExist(string path)
    {
        await using var web = await Serve();

        var page = await web.Get(path, PrincipalOf("LIULIHUA@fgw.partner.example"));
        var own = await web.Get("/units/fgw", PrincipalOf("LIULIHUA@fgw.partner.example"));

        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.DoesNotContain("nosuchunit", page.Body, StringComparison.Ordinal);
        Assert.Contains("no-store", own.Response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    /// <summary>Writes a person row to the harness's store, as an import would, before the first page is asked for.</summary>
    private static async Task AddPerson(IEntityTables tables, string id, string name, string unit, string? email = null, string? login = null)
    {
        var people = await tables.Table(Tables.People.Name);
        var row = new TableEntity("person", id) { ["Id"] = id, ["Name"] = name, ["Unit"] = unit };
        if (email is not null)
        {
            row["Email"] = email;
        }

        if (login is not null)
        {
            row["Login"] = login;
        }

        await people.UpsertAll([row]);
    }
}
