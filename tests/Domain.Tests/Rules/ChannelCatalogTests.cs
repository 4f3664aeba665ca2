using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Rules;

/// <summary>Each channel is described once: a new channel without its entry fails here, not in a message.</summary>
public class ChannelCatalogTests
{
    [Fact]
    public void Catalog_DescribesEveryChannelOnce()
    {
        Assert.Equal(Enum.GetValues<Channel>(), ChannelCatalog.All.Select(i => i.Channel));
        Assert.All(ChannelCatalog.All, i => Assert.False(string.IsNullOrWhiteSpace(i.ChineseName + i.AddressName)));
    }

    [Fact]
    public void Words_NameOneChannelEach_InEnglishAndChinese_WhateverTheCase()
    {
        Assert.Equal(ChannelCatalog.All.Sum(i => i.Words.Count), ChannelCatalog.ByWord.Count);
        Assert.Equal((Channel.Email, Channel.Sms, Channel.Sms), (ChannelCatalog.ByWord["EMAIL"], ChannelCatalog.ByWord["短信"], ChannelCatalog.ByWord["Sms"]));
    }

    [Fact]
    public void Address_IsThePeopleTablesColumn_OnlyForChannelsThePersonTakes()
    {
        var both = new Contact(new PersonId("p"), "张三", null, null, "zhang@x.gov.example", "+8614000000001", [Channel.Email, Channel.Sms]);
        var emailOnly = both with { Channels = [Channel.Email] };

        Assert.Equal(("zhang@x.gov.example", "+8614000000001"), (both.AddressFor(Channel.Email), both.AddressFor(Channel.Sms)));
        Assert.Null(emailOnly.AddressFor(Channel.Sms));
    }

    [Theory]
    [InlineData("wecom", Channel.WeCom)]
    [InlineData("企业微信", Channel.WeCom)]
    [InlineData("DingTalk", Channel.DingTalk)]
    [InlineData("钉钉", Channel.DingTalk)]
    public void RobotChannels_AreNamedInEnglishAndChinese(string word, Channel channel)
    {
        Assert.Equal(channel, ChannelCatalog.ByWord[word]);
        Assert.True(ChannelCatalog.IsRobot(channel));
        Assert.False(ChannelCatalog.IsRobot(Channel.Email) || ChannelCatalog.IsRobot(Channel.Sms));
    }

    [Fact]
    public void RobotChannels_AddressARobot_NeverAPerson()
    {
        var person = new Contact(new PersonId("p"), "张三", null, null, "zhang@x.gov.example", "+8614000000001", [Channel.Email, Channel.Sms, Channel.WeCom]);
        var robot = new Contact(new PersonId("robot-zjj"), "住建局群", null, null, null, null, [Channel.WeCom]) { Robot = "zjj" };

        Assert.Null(person.AddressFor(Channel.WeCom));
        Assert.Equal("zjj", robot.AddressFor(Channel.WeCom));
        Assert.Null(robot.AddressFor(Channel.DingTalk));
        Assert.Null(robot.AddressFor(Channel.Sms));
    }
}
