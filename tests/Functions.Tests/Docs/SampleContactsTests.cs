using System.Globalization;
using CsvHelper;

namespace Escalation.Functions.Tests.Docs;

/// <summary>The shipped samples must never reach a real person, whatever channel an admin configures.</summary>
public class SampleContactsTests
{
    [Fact]
    public void SamplePeople_HaveOnlyUnreachableMobilesAndMailboxes()
    {
        using var reader = new StreamReader(Path.Combine(Repo.Samples, "people.csv"));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);

        var people = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();

        Assert.NotEmpty(people);
        foreach (var person in people)
        {
            var mobile = (string)person["Mobile"];
            var email = (string)person["Email"];
            // 140 is the IoT segment, whose numbers have 13 digits: no phone has an 11-digit 140 number.
            Assert.True(mobile.Length == 0 || (mobile.Length == 11 && mobile.StartsWith("140", StringComparison.Ordinal)), $"{person["Id"]}: {mobile}");
            // .example is reserved by RFC 2606 and is never delegated.
            Assert.True(email.Length == 0 || email.EndsWith(".example", StringComparison.Ordinal), $"{person["Id"]}: {email}");
        }
    }
}
