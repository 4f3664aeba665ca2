using Escalation.Domain.Calendar;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>The app settings the commands read, by the names used in local.settings.sample.json and the README.</summary>
internal sealed record Settings(DateTimeZone Zone, string? Error)
{
    public const string TimeZoneKey = "Escalation__TimeZone";

    public static Settings From(Func<string, string?> setting)
    {
        var zoneId = setting(TimeZoneKey);
        if (string.IsNullOrWhiteSpace(zoneId))
        {
            return new Settings(DateTimeZoneProviders.Tzdb[ShippedCalendar.DefaultZoneId], null);
        }

        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId.Trim());
        return zone is null
            ? new Settings(DateTimeZoneProviders.Tzdb[ShippedCalendar.DefaultZoneId], $"设置 {TimeZoneKey} = '{zoneId}' 不是 IANA 时区名，应写成如 Asia/Shanghai。")
            : new Settings(zone, null);
    }
}
