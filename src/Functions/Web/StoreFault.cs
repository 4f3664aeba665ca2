using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Escalation.Functions.Web;

/// <summary>
/// The store of the web could not be opened. <see cref="Exception.Message"/> is the detail for the log;
/// <see cref="Hint"/>, when set, tells the system administrator on the page what to fix (a missing setting), in Chinese.
/// </summary>
internal sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreUnavailableException(string message, string? hint)
        : base(message) => Hint = hint;

    public string? Hint { get; }
}

/// <summary>
/// Pages and /api calls whose store cannot be reached: a 503 that says so in Chinese (a page, or <c>{"error": ...}</c>),
/// the detail in the log, instead of an empty 500 from the server.
/// </summary>
internal static partial class StoreFault
{
    public const string Message = "数据存储暂时无法访问，请稍后再试；仍不行请联系系统管理员。";

    /// <summary>An endpoint filter that answers a store fault with <paramref name="answer"/> (the text shown, in Chinese).</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Filter(Func<HttpContext, string, IResult> answer) =>
        async (invocation, next) =>
        {
            try
            {
                return await next(invocation).ConfigureAwait(false);
            }
            catch (Exception e) when (IsStoreFault(e) && !invocation.HttpContext.RequestAborted.IsCancellationRequested)
            {
                var context = invocation.HttpContext;
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Escalation.Web");
                Unavailable(logger, context.Request.Method, context.Request.Path.Value ?? "", e);
                context.Response.Headers.RetryAfter = "30";
                var hint = (e as StoreUnavailableException)?.Hint;
                return answer(context, hint is null ? Message : Message + "（给系统管理员：" + hint + "）");
            }
        };

    /// <summary>Faults of the store or of reaching it; anything else is a bug and stays a 500.</summary>
    internal static bool IsStoreFault(Exception e) => e switch
    {
        StoreUnavailableException or RequestFailedException or SqliteException or IOException or UnauthorizedAccessException
            or TimeoutException or HttpRequestException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException => true,
        AggregateException { InnerExceptions: [var single] } => IsStoreFault(single),
        _ => false,
    };

    [LoggerMessage(EventId = 2, EventName = "StoreUnavailable", Level = LogLevel.Error, Message = "The web could not reach its store for {Method} {Path}")]
    private static partial void Unavailable(ILogger logger, string method, string path, Exception exception);
}
