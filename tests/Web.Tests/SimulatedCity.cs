using System.Diagnostics;
using Escalation.Functions.Storage;
using Escalation.Functions.Web;
using MimeKit;
using NodaTime;

namespace Escalation.Web.Tests;

/// <summary>
/// The sample city as the app itself leaves it after a short simulated span: <c>simulate --data samples --from
/// 2026-05-25 --to 2026-05-29</c> (the weekly list of 2026-W22, issued Monday 05-25, and the monthly notice of 2026-04,
/// issued the same day once April's data was published), then <c>web --store DIR --port P --at 2026-05-29</c> serving
/// it. Built once per test class; the board the handler computes for that date (<see cref="BoardReader"/>, the same
/// code the page uses) is kept for the tests to compare with. Nothing is done when the browser tests are skipped.
/// </summary>
public sealed class SimulatedCity : IAsyncLifetime
{
    public const string From = "2026-05-25";
    public const string To = "2026-05-29";
    public const string Week = "2026-W22";
    public const string Month = "2026-04";

    private AppProcess? _web;
    private BoardSnapshot? _board;

    /// <summary>The simulation's folder: <c>store/</c>, <c>outbox/email/*.eml</c>, <c>events.jsonl</c>.</summary>
    public string Folder { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "escalation-web-tests", "city-" + Guid.NewGuid().ToString("N"));

    public string Store => System.IO.Path.Combine(Folder, "store");

    public AppProcess Web => _web ?? throw new InvalidOperationException("The web was not started (no chromium).");

    /// <summary>The board as of <see cref="To"/>, computed by <see cref="BoardReader"/> over the simulated store.</summary>
    internal BoardSnapshot Board => _board ?? throw new InvalidOperationException("The board was not read (no chromium).");

    public Uri Url(string path) => new(Web.BaseUrl, path);

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        await Run("simulate", "--data", SampleStore.SamplesFolder, "--from", From, "--to", To, "--out", Folder).ConfigureAwait(false);

        // As web --at judges: noon of that day in the deployment's zone (Asia/Shanghai, the default).
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var clock = new FixedClock(new LocalDate(2026, 5, 29).At(new LocalTime(12, 0)).InZoneLeniently(zone).ToInstant());
        _board = await new BoardReader(SqliteTables.Open(Store, clock), clock, zone).Read().ConfigureAwait(false);

        var port = AppProcess.FreePort();
        _web = await AppProcess.App(port, ["web", "--store", Store, "--port", $"{port}", "--at", To], readyPath: "/signin").ConfigureAwait(false);
    }

    /// <summary>The HTML part of the email <paramref name="digest"/> (<c>week_2026-W22</c>) sent to <paramref name="person"/>.</summary>
    public string EmailHtml(string digest, string person)
    {
        var file = Directory.EnumerateFiles(System.IO.Path.Combine(Folder, "outbox", "email"), $"{digest}_Email_{person}-*.eml").Single();
        using var message = MimeMessage.Load(file);
        return message.HtmlBody ?? throw new InvalidOperationException($"{file} has no HTML part.");
    }

    public async Task DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync().ConfigureAwait(false);
        }

        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static Task Run(params string[] arguments) => AppProcess.RunEngine(arguments);
}

/// <summary>A clock that always reads one instant.</summary>
internal sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}
