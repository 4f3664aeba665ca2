using System.Globalization;
using Escalation.Functions.Storage;
using Escalation.Functions.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>web [--store DIR] [--port N]</c>: the web pages over the embedded store (or the store the settings name), on
/// 127.0.0.1 only, with the development sign-in (pick a person) that <c>serve</c> never offers.
/// </summary>
internal static class WebCommand
{
    public const int DefaultPort = 7071;

    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        var port = DefaultPort;
        if (options.Get("port") is { } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            stderr.WriteLine($"错误：--port 的值“{portText}”不是端口号，应为 1 到 65535 之间的整数（默认 {DefaultPort}）。");
            return Cli.UsageError;
        }

        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        var address = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        using var app = Build(tables, clock, settings.Zone, web => web.UseUrls(address));
        stdout.WriteLine($"网页已启动：{address}/ （挂图作战）。存储：{tables.Describe}");
        stdout.WriteLine($"首次打开会转到开发用登录页 {address}/signin ，选择一位人员即以其身份和角色查看。按 Ctrl+C 停止。");
        app.Run();
        return Cli.Ok;
    }

    /// <summary>The local web application over <paramref name="tables"/>; <paramref name="configure"/> sets where it listens.</summary>
    public static WebApplication Build(IEntityTables tables, IClock clock, DateTimeZone zone, Action<IWebHostBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().AddFilter("Microsoft", LogLevel.Warning);
        configure(builder.WebHost);
        WebSite.AddServices(builder.Services, () => tables);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Escalation.Web");
        var board = BoardCache.For(tables, clock, zone, e => BoardFailed(logger, e));
        var principals = new DevelopmentPrincipalSource(app.Services.GetRequiredService<IDataProtectionProvider>());
        new WebSite(principals, () => board, () => tables).Map(app);
        new Api(principals, () => board, () => tables).Map(app);
        // The board is computed at start, so that the first page finds it ready.
        app.Lifetime.ApplicationStarted.Register(board.Warm);
        app.Lifetime.ApplicationStopped.Register(board.Dispose);
        return app;
    }

    private static readonly Action<ILogger, Exception?> BoardFailedMessage = LoggerMessage.Define(LogLevel.Error, new EventId(1, "BoardFailed"),
        "挂图作战的数据计算失败，网页继续显示上一次的数据，稍后自动重试");

    internal static void BoardFailed(ILogger logger, Exception exception) => BoardFailedMessage(logger, exception);
}
