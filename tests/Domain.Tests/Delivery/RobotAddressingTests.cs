using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Tests.Catalog;
using NodaTime;

namespace Escalation.Domain.Tests.Delivery;

/// <summary>
/// On a robot channel an event goes to groups: each recipient to their unit's robot (the office to the office's robot),
/// one delivery per robot, addressed as <c>robot-{id}</c>; recipients whose group has no robot are skipped; a post
/// @-mentions the mobiles of the robot's unit's addressed recipients.
/// </summary>
public class RobotAddressingTests
{
    // 商务局 (swj) has a WeCom robot, the office a DingTalk robot; 发改委 (fgw) none.
    private static readonly Configuration Config = CatalogFixture.Build(CatalogFixture.Rows with
    {
        Robots = [new RobotRow("swj", "swj", "企业微信"), new RobotRow("office", "督查室", "钉钉", "督办")],
    }).Configuration;

    private static readonly Recipient Zhou = new(RecipientRole.Owner, new PersonId("swj-zhou"), false);
    private static readonly Recipient Zhang = new(RecipientRole.UnitPrincipal, new PersonId("swj-zhang"), false);
    private static readonly Recipient Wang = new(RecipientRole.LeadOfficial, new PersonId("city-wang"), true);
    private static readonly Recipient Office = new(RecipientRole.SupervisionOffice, new PersonId("dcs"), true);
    private static readonly Recipient Chen = new(RecipientRole.UnitPrincipal, new PersonId("fgw-chen"), false, new UnitId("fgw"), "发改委");

    private static EscalationEvent Event(params Recipient[] recipients)
    {
        var rule = new RuleId("R5");
        var item = new ItemId("swj-2026-01");
        return new EscalationEvent(
            EventId.For(rule, item, "lag:2026-05"), rule, EventLevel.Notice, EventKind.Lagging, item, CatalogFixture.Commerce, new LocalDate(2026, 6, 1),
            "lag:2026-05", recipients, [Channel.Email, Channel.WeCom, Channel.DingTalk], "lag-notice",
            new EventFacts("外贸综合服务平台", "商务局", 50, 30, Streak: 2, Period: "2026年5月", PeriodKey: "2026-05"), null);
    }

    [Fact]
    public void OnWeCom_TheUnitsRecipientsBecomeItsRobotOnce_AddressedWhenAnyIs_OthersStayToBeSkipped()
    {
        var targets = RobotAddressing.Targets(Event(Zhou, Zhang, Wang, Office, Chen), Channel.WeCom, Config);

        Assert.Equal(
            [("robot-swj", false), ("fgw-chen", false), ("city-wang", true), ("dcs", true)],
            targets.Select(t => (t.Person.Value, t.IsCopy)));
    }

    [Fact]
    public void OnDingTalk_TheOfficeRoleGoesToTheOfficesRobot_AsACopyWhenCopied()
    {
        var targets = RobotAddressing.Targets(Event(Zhou, Zhang, Wang, Office, Chen), Channel.DingTalk, Config);

        Assert.Equal(
            [("swj-zhou", false), ("swj-zhang", false), ("fgw-chen", false), ("city-wang", true), ("robot-office", true)],
            targets.Select(t => (t.Person.Value, t.IsCopy)));
    }

    [Fact]
    public void ARobotCopiedOnly_IsACopy_AndPersonChannelsKeepEachPersonOnce()
    {
        Assert.Equal([("robot-swj", true)], RobotAddressing.Targets(Event(Zhang with { IsCopy = true }), Channel.WeCom, Config).Select(t => (t.Person.Value, t.IsCopy)));
        Assert.Equal(["swj-zhou", "swj-zhang", "fgw-chen", "city-wang", "dcs"], RobotAddressing.Targets(Event(Zhou, Zhang, Wang, Office, Chen, Zhou), Channel.Email, Config).Select(t => t.Person.Value));
    }

    [Fact]
    public void APost_MentionsTheMobilesOfTheRobotsUnitsAddressedRecipients_EachOnce()
    {
        var swj = Config.Robots.For(CatalogFixture.Commerce, Channel.WeCom)!;
        var events = new[] { Event(Zhou, Zhang, Wang, Chen), Event(Zhang, Office) };

        // 周科长 and 张局长 have mobiles and are addressed; 王副市长 is copied and of no unit; 陈主任 is of 发改委.
        Assert.Equal(["+8613800138000", "+8613900139000"], RobotAddressing.Mentions(swj, events, Config));
        Assert.Empty(RobotAddressing.Mentions(Config.Robots.For(null, Channel.DingTalk)!, events, Config));
    }

    [Fact]
    public void TheRobotsContact_IsReachedByItsDispatchPerson_AndAPersonWithoutARobotIsSkippedSayingWhy()
    {
        var robot = Config.Reach(new PersonId("robot-swj"))!;
        Assert.Equal(("swj", "商务局企业微信群机器人"), (robot.AddressFor(Channel.WeCom), robot.Name));

        var e = Event(Chen);
        var pending = Domain.Delivery.Delivery.Open(e, Channel.WeCom, Chen, Instant.FromUtc(2026, 6, 1, 1, 0));
        var step = DeliveryDecisions.ForRecipient(pending, Config.Reach(Chen.Person), new LocalDate(2026, 6, 1));
        Assert.Equal("no WeCom robot for unit fgw's group", Assert.IsType<RecipientStep.Skip>(step).Reason);

        var join = DeliveryDecisions.ForRecipient(pending with { Person = robot.Id }, robot, new LocalDate(2026, 6, 1));
        Assert.Equal("swj", Assert.IsType<RecipientStep.Join>(join).Address);
    }

    [Fact]
    public void WithoutRobots_NothingMapsAndEveryRobotDeliveryIsSkipped()
    {
        var plain = CatalogFixture.ValidConfiguration;

        Assert.Equal(["swj-zhou", "dcs"], RobotAddressing.Targets(Event(Zhou, Office), Channel.WeCom, plain).Select(t => t.Person.Value));
        Assert.Null(plain.Reach(new PersonId("robot-swj")));
    }
}
