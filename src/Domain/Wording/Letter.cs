using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Wording;

/// <summary>Who signs and how: settings, not constants.</summary>
public sealed record WordingSettings(string SenderName, string SmsSignature, string? ContactLine)
{
    public static WordingSettings Default { get; } = new("督查室", "【督查室】", null);
}

/// <summary>One item of a letter: the event, its template (null when missing), and whether it is a copy.</summary>
public sealed record LetterItem(EscalationEvent Event, MessageTemplate? Template, bool IsCopy);

/// <summary>What one message to one person, on one channel, on one day, at one level says.</summary>
public sealed record Letter(string? RecipientName, EventLevel Level, LocalDate Day, IReadOnlyList<LetterItem> Items);

/// <summary>DRAFT until the grouped wording lands: renders each item with its template, one after the other.</summary>
public static class LetterWording
{
    public static EmailMessage RenderEmail(Letter letter, WordingSettings wording)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var parts = letter.Items.Select(i => MessageWording.RenderEmail(i.Event, i.Template ?? DefaultTemplates.ById.Values.First(), letter.RecipientName, i.IsCopy)).ToList();
        return new EmailMessage(parts[0].Subject, string.Join("\n", parts.Select(p => p.PlainText)), parts[0].Html);
    }

    public static SmsMessage RenderSms(Letter letter, WordingSettings wording)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var text = string.Join("", letter.Items.Select(i => MessageWording.RenderSms(i.Event, i.Template ?? DefaultTemplates.ById.Values.First(), letter.RecipientName, i.IsCopy).Text));
        return new SmsMessage(text, MessageWording.Segments(text));
    }
}
