using static Escalation.Functions.Storage.ColumnType;

namespace Escalation.Functions.Storage;

/// <summary>Every table the engine uses, with its keys and columns. docs/tables.md describes the same tables; a test keeps them in step.</summary>
public static class Tables
{
    public static TableSchema Units { get; } = new(
        "units", "单位", "the constant `unit`", "the unit id",
        "Responsible units (责任单位) and the people in their roles.",
        [
            new("Id", "单位编号", Id, true, "The unit's id; also the partition key of its tasks, progress and log.", "fgw"),
            new("Name", "单位名称", Text, true, "The unit's name as messages print it.", "市发展改革委"),
            new("Principal", "主要负责人", Id, false, "Person id of the unit's principal (主要负责人).", "fgw-zhang", Reference.Person),
            new("DeputyInCharge", "分管负责人", Id, false, "Person id of the deputy in charge (分管负责同志).", "fgw-li", Reference.Person),
            new("LeadOfficial", "包保领导", Id, false, "Person id of the city leader responsible for the unit (包保领导), if any.", "city-wang", Reference.Person),
        ],
        true);

    public static TableSchema People { get; } = new(
        "people", "人员", "the constant `person`", "the person id",
        "Everyone who receives messages, with addresses and the channels they take.",
        [
            new("Id", "人员编号", Id, true, "The person's id, as units, tasks and settings refer to it.", "fgw-zhang"),
            new("Name", "姓名", Text, true, "Full name, used in the greeting.", "张伟"),
            new("Unit", "所属单位", Id, false, "Unit id the person belongs to.", "fgw", Reference.Unit),
            new("Title", "职务", Text, false, "Job title.", "主任"),
            new("Email", "邮箱", Text, false, "A plain mailbox name@domain.", "zhangwei@fgw.example.gov.cn"),
            new("Mobile", "手机", Text, false, "Mainland 11-digit mobile or E.164 (+86…); spaces and dashes are ignored.", "13800138000"),
            new("Channels", "接收方式", Choice, false, "email/邮件, sms/短信, or both separated by a comma; empty means every channel with an address.", "email,sms"),
            new("Role", "网页角色", Choice, false, "What the person may do on the web: office/督查室 (everything), reporter/填报员 (their own unit only), leader/领导 (everything, read-only), none/无. Empty: the SupervisionOffice setting's person is office, a person with a unit is its reporter, others are leaders.", "填报员"),
            new("Login", "登录账号", Text, false, "The Microsoft Entra sign-in name, when it is not the Email; matched case-insensitively.", "zhangwei@fgw.partner.onmschina.cn"),
        ],
        true);

    public static TableSchema Tasks { get; } = new(
        "tasks", "任务", "the unit id", "the task id",
        "Supervised tasks, projects and livelihood items with their deadlines: all tasks of a unit are one partition.",
        [
            new("Id", "任务编号", Id, true, "The task's id, unique across all units.", "2026-zd-001"),
            new("Unit", "责任单位", Id, true, "The responsible unit's id (the partition key).", "fgw", Reference.Unit),
            new("Title", "任务名称", Text, true, "The task as messages name it.", "推进城市更新重点片区改造"),
            new("Kind", "类型", Choice, true, "KeyTask/重点任务, KeyProject/重点项目 or Livelihood/民生实事.", "重点任务"),
            new("Start", "开始日期", Date, true, "First day of work.", "2026-01-05"),
            new("Deadline", "完成时限", Date, true, "The deadline (not before the start).", "2026-09-30"),
            new("Owner", "具体责任人", Id, true, "Person id of the owner who reports progress.", "fgw-chen", Reference.Person),
            new("PlanTemplate", "计划模板", Id, false, "Id of a plan template laid backwards from the deadline; empty for explicit milestones or a linear plan.", "project-4stage"),
            new("Status", "状态", Choice, false, "Active/进行中 (default), Completed/已完成, Suspended/已暂停.", "进行中"),
            new("Cadence", "报送频次", Choice, false, "旬 (default), 月, 周, none/不报送, or every N/每N天.", "旬"),
            new("LeadOfficial", "包保领导", Id, false, "Person id of the city leader in charge of this task, if not the unit's.", "city-wang", Reference.Person),
            new("PlannedStart", "计划开工日期", Date, false, "The last day on which starting is on time; empty: the task is not judged on its start (start-missed rules).", "2026-04-30"),
            new("ActualStart", "实际开工日期", Date, false, "The day work actually started; empty while it has not.", "2026-05-06"),
            new("Builder", "建设单位", Id, false, "Unit id of the builder (建设单位), which a rule may also demand explanations of and address (builder).", "cgj", Reference.Unit),
        ],
        true);

    public static TableSchema Milestones { get; } = new(
        "milestones", "节点", "the unit id", "`{task}:{due}`",
        "Explicit milestones (节点) of tasks: by the due date the task should have reached the target.",
        [
            new("Unit", "责任单位", Id, true, "The task's unit (the partition key).", "fgw", Reference.Unit),
            new("Task", "任务编号", Id, true, "The task's id.", "2026-zd-001"),
            new("Due", "节点日期", Date, true, "Due date, within the task's start and deadline.", "2026-04-30"),
            new("Name", "节点名称", Text, true, "What should be done by then.", "完成方案报批"),
            new("Target", "目标进度", Number, true, "Expected progress in percent, 0–100.", "30"),
        ],
        true);

    public static TableSchema PlanTemplates { get; } = new(
        "plantemplates", "计划模板", "the constant `plan`", "`{template}:{seq}`, the stage number in two digits (`project-4stage:01`)",
        "Plan templates: stages in order, the last one ending on the deadline, laid backwards in working days (倒排工期).",
        [
            new("Template", "模板编号", Id, true, "The template's id, as tasks name it.", "project-4stage"),
            new("TemplateName", "模板名称", Text, false, "The template's name (from any of its rows).", "重点项目四阶段"),
            new("Seq", "序号", WholeNumber, true, "Stage number, 1 for the first stage.", "1"),
            new("Stage", "阶段", Text, true, "Stage name.", "前期手续"),
            new("WorkingDays", "工作日数", WholeNumber, true, "How many working days the stage lasts.", "40"),
            new("Target", "阶段目标进度", Number, true, "Progress in percent at the end of the stage; the last stage ends at 100.", "25"),
        ],
        true);

    public static TableSchema Progress { get; } = new(
        "progress", "进度报送", "the unit id", "`{task}:{reportedOn}:{seq}`",
        "Progress reports (进度报送), append-only: a correction is a later report with a note.",
        [
            new("Unit", "责任单位", Id, true, "The task's unit (the partition key).", "fgw", Reference.Unit),
            new("Task", "任务编号", Id, true, "The task's id.", "2026-zd-001"),
            new("ReportedOn", "报送日期", Date, true, "The day the report was made.", "2026-04-10"),
            new("Seq", "当日序号", WholeNumber, false, "Orders several reports of one day (1 if empty); the last counts.", "1"),
            new("Progress", "完成进度", Number, true, "Overall progress in percent, 0–100; lower than the previous report only with a note.", "35"),
            new("Note", "说明", Text, false, "What was done, or why progress went down.", "方案已通过专家评审"),
            new("ReportedBy", "报送人", Id, false, "Person id of whoever reported.", "fgw-chen", Reference.Person),
        ],
        true);

    public static TableSchema Rules { get; } = new(
        "rules", "规则", "the constant `rule`", "the rule id",
        "The escalation ladder. Empty means the shipped default rules R1–R16.",
        [
            new("Id", "规则编号", Id, true, "The rule's id, part of every event id it raises.", "R1"),
            new("Name", "规则名称", Text, false, "A name for people.", "节点到期前提醒"),
            new("Level", "级别", Choice, true, "reminder/提醒, notice/通报, summons/约谈, accountability/问责建议 (to the supervision office and decision makers only, never the unit).", "提醒"),
            new("Trigger", "触发条件", Choice, true, "due-soon, overdue, report-missing, lag-streak, demand-overdue, start-missed/未按期开工, report-due-soon, unsigned/未签收.", "due-soon"),
            new("Days", "天数", Choice, false, "For due-soon: how far ahead (required). For report-due-soon: working days before the report is due (empty = 1, 0 = on the due day). For overdue, report-missing, demand-overdue: a delay after the due date before the rule first fires (empty: at once). Working days (10, 10wd, 10个工作日) or calendar days (15d, 15天).", "3") { Aliases = ["提前工作日"] },
            new("Scope", "范围", Choice, false, "For due-soon and overdue: all (default), milestones, deadline.", "all"),
            new("Streak", "连续期数", WholeNumber, false, "For lag-streak: the streak length from which the rule fires.", "2"),
            new("Period", "期间", Choice, false, "For lag-streak: month (default), xun/旬, week.", "month"),
            new("Tolerance", "容差", Number, false, "For lag-streak: points below plan still counted as on plan.", "0"),
            new("To", "送达", Choice, true, "Roles: owner, principal, deputy, lead-official, supervision-office, builder (or 具体责任人, 主要负责人, 分管负责同志, 包保领导, 督查室, 建设单位); a named person person:ID (人员:ID, or their name); a named unit's role unit:U/principal, unit:U/deputy, unit:U/lead-official (单位:U/主要负责人, U a unit id or name).", "owner"),
            new("Copy", "抄送", Choice, false, "Recipients in copy, as in To.", "supervision-office"),
            new("Channels", "渠道", Choice, true, "email/邮件, sms/短信, or both.", "email,sms"),
            new("Template", "模板", Id, true, "Message template id.", "due-soon"),
            new("Repeat", "重复", Choice, false, "once (default), on-due-day, or every N (working days; every 15d, 每15天 for calendar days), optionally with max N/最多N次 (overdue: 3 unless stated; max none/不限次数) and until-higher/直至升级.", "once"),
            new("EffectiveFrom", "生效日期", Date, false, "The rule applies from this date; empty for always.", "2026-01-01"),
            new("Enabled", "启用", Choice, false, "true (default) or false.", "true"),
            new("Demand", "要求", Choice, false, "For notices: explanation/说明, rectification/整改 or special-explanation/专题说明.", "说明"),
            new("DemandDays", "要求时限", Choice, false, "Days the unit has to meet the demand: working days (10, 10个工作日) or calendar days (15天).", "5"),
            new("DemandRoll", "遇休息日顺延", Choice, false, "For calendar-day DemandDays: 顺延/roll moves a due date on a day off to the next working day; empty/不顺延 (default) keeps it.", "顺延"),
            new("DemandFrom", "说明提交单位", Choice, false, "Who owes the demand: unit/责任单位/主管部门 (default), builder/建设单位, or both separated by a comma.", "unit,builder"),
            new("Scan", "扫描时段", Choice, false, "The daily scan that evaluates the rule: morning/上午 (default) or afternoon/下午.", "afternoon"),
            new("Consequence", "后果", Text, false, "For accountability rules: a consequence the office recommends (后果通知), e.g. 核减前期费; the engine records it and notifies the executing unit, never executes it. With ConsequenceUnit.", "核减前期费") { Aliases = ["后果措施"] },
            new("ConsequenceUnit", "执行单位", Choice, false, "The unit that executes the Consequence: its id or name, optionally unit:/单位: before it and /principal, /deputy or /lead-official after it (the principal by default); addressed first.", "fgw") { Aliases = ["后果执行单位"] },
        ],
        true);

    public static TableSchema Templates { get; } = new(
        "templates", "消息模板", "the constant `template`", "the template id",
        "Message wording in Chinese. A row overrides the shipped template of the same id.",
        [
            new("Id", "模板编号", Id, true, "The template's id, as rules name it.", "due-soon"),
            new("Subject", "邮件主题", Text, true, "Email subject, with placeholders such as {item}.", "【提醒】{item}节点将于{due}到期"),
            new("Body", "邮件正文", Text, true, "Email body; placeholders in braces.", "{recipient}：您单位承担的“{item}”……"),
            new("Sms", "短信内容", Text, true, "SMS text (70 characters per segment).", "【提醒】{unit}“{item}”{checkpoint}将于{due}到期。"),
        ],
        true);

    public static TableSchema SmsTemplates { get; } = new(
        "smstemplates", "短信模板", "the constant `smstemplate`", "`{Level}:{Kind}` in the canonical words (`Notice:Lagging`, `Summons:grouped`)",
        "Approved templates of a mainland SMS gateway (Alibaba Cloud, Tencent Cloud): per level and event kind (or grouped, for a message of several items) the template code and how the facts fill its variables. Used only when Escalation__Sms__Provider is aliyun or tencent.",
        [
            new("Level", "级别", Choice, true, "reminder/提醒, notice/通报, summons/约谈.", "通报"),
            new("Kind", "事件类型", Choice, true, "An event kind: due-soon/节点临近, due-today/节点当日, overdue/逾期未完成, report-missing/未按时报送, lagging/进度滞后, demand-overdue/说明整改逾期, start-missed/未按期开工, report-due-soon/报送临近; or grouped/合并 for a message carrying several items.", "进度滞后"),
            new("TemplateCode", "模板编号", Text, true, "The template code the gateway approved (Aliyun SMS_…, Tencent a numeric template id).", "SMS_154950909"),
            new("Params", "模板变量", Text, true, "The template's variables in order: name={placeholder}, separated by semicolons; a value may mix text and placeholders. Grouped rows use {count}, {units}, {items}, {recipient}, {level}, {date}, {sender}, {contact}.", "unit={unit};item={item};streak={streak}"),
            new("Note", "备注", Text, false, "The approved wording, for people.", "${unit}承担的${item}已连续${streak}期进度滞后…"),
        ],
        true);

    public static TableSchema Robots { get; } = new(
        "robots", "机器人", "the constant `robot`", "the robot's id",
        "Group robots of the units and of the supervision office on WeCom (企业微信) and DingTalk (钉钉): rules whose Channels name wecom or dingtalk post to the recipients' unit's robot. The webhook and DingTalk signing secret are never stored here: they are the settings Escalation__Robots__{Id}__Webhook and Escalation__Robots__{Id}__Secret (Key Vault references in Azure, .local/secrets.json in local mode).",
        [
            new("Id", "编号", Text, true, "Letters and digits, up to 32 (it names the robot's settings); the robot's deliveries are addressed to robot-{Id}.", "zjj"),
            new("Unit", "所属单位", Text, true, "The unit id whose group the robot posts to, or 督查室/office for the supervision office's group. One robot per unit (or office) and platform.", "zjj"),
            new("Platform", "平台", Choice, true, "wecom/企业微信 or dingtalk/钉钉.", "企业微信"),
            new("Keyword", "关键词", Text, false, "DingTalk only: the robot's custom keyword (自定义关键词) when that is its security setting; put in the title of every post that lacks it.", "督办"),
            new("BaseUrl", "接口地址", Text, false, "https host for a 政务微信 or 浙政钉 deployment; empty for the public one (qyapi.weixin.qq.com, oapi.dingtalk.com).", "https://oapi.dingtalk.com/"),
            new("Note", "备注", Text, false, "Which group, who set it up.", "市住建局工作群"),
        ],
        true);

    public static TableSchema Calendar { get; } = new(
        "calendar", "日历调整", "the constant `calendar`", "the date, or the year itself for a declaration row",
        "Corrections of the working calendar (调休), and declarations of years not shipped with the engine.",
        [
            new("Date", "日期", Date, true, "The date corrected; or only a year (2027) with Kind year to declare that year's arrangement complete.", "2026-10-10"),
            new("Kind", "类型", Choice, true, "working/班 or off/休 for a date; year/全年 for a declaration.", "班"),
            new("Name", "名称", Text, false, "The holiday or the notice it comes from.", "国庆节调休上班"),
        ],
        true);

    public static TableSchema Settings { get; } = new(
        "settings", "设置", "the constant `setting`", "the setting key",
        "Settings admins may change without a deployment.",
        [
            new("Key", "设置项", Choice, true, "SupervisionOffice, CatchUpWorkingDays, YellowWithin, GoLive (StreaksFrom, its former name, is still read), LagGapForHeads, SenderName, SmsSignature, ContactLine or ReferencePrefix.", "SupervisionOffice"),
            new("Value", "值", Text, true, "The value: a person id, a number of working days, percentage points, a date, or a text of the messages.", "dcs-office"),
            new("Note", "备注", Text, false, "Why it is set so.", "督查室公共邮箱"),
        ],
        true);

    public static TableSchema Exemptions { get; } = new(
        "exemptions", "豁免", "the unit id; for an indicator's exemption `ind:{indicator}`", "`{task}:{period}` (the Period as written); for an indicator's exemption `{unit}:{period}`",
        "Causes the supervision office recorded for an occurrence of a task (a period, a milestone, the deadline, the start) or for a unit's period of an indicator: an objective cause exempts it (not judged, not chased, a period does not break a streak); a subjective one is recorded only.",
        [
            new("Unit", "责任单位", Id, true, "The task's unit (the partition key of a task's exemption); for an indicator's exemption, the unit exempted.", "fgw", Reference.Unit),
            new("Task", "任务编号", Id, false, "The task's id; empty for an indicator's exemption (fill Task or Indicator, not both).", "2026-zd-001"),
            new("Indicator", "指标编号", Id, false, "The indicator's id, for an indicator's exemption; empty for a task's.", "gdtz-zs"),
            new("Period", "期次", Text, true, "The occurrence: a period key 2026-05 (month), 2026-05-X2 (second 旬), 2026-W21 (week); milestone:2026-06-30 or 节点:2026-06-30 (the checkpoint due that day); deadline/完成时限; start/开工. For an indicator: a period of its kind, 2025-05, 2025-Q1 or 2025-W10.", "2026-05"),
            new("ApprovedBy", "批准人", Id, false, "Person id of who approved it; an unknown id is reported, the exemption still holds.", "dcs-office", Reference.Person),
            new("ApprovedOn", "批准日期", Date, false, "When.", "2026-05-08"),
            new("Reason", "理由", Text, false, "Why; a subjective start cause is shown in the start-missed notice.", "受汛期影响停工"),
            new("Cause", "原因性质", Choice, false, "objective/客观 (default: exempts) or subjective/主观 (recorded only, exempts nothing).", "客观") { Aliases = ["原因类型"] },
            new("Request", "申请编号", Text, false, "The exemptionrequests row key of the unit's request whose approval on the web wrote this row; empty for a row the office wrote.", "jtj-2026-01:2026-05@1"),
        ],
        true);

    public static TableSchema Explanations { get; } = new(
        "explanations", "说明整改", "the unit id", "`{notice}:{kind}`, and `:{from}` when From is not the task's unit",
        "Explanations (情况说明) and rectification reports (整改报告) submitted against notices; they meet the notice's demand.",
        [
            new("Unit", "责任单位", Id, true, "The unit that submitted it (the partition key).", "fgw", Reference.Unit),
            new("Notice", "通报编号", Id, true, "The notice's event id from the escalation log, or its reference (文号) as the notice prints it, 督办〔2026〕0123号 or 2026-0123: import stores the event id it stands for.", "ev-3f2a…") { Aliases = ["文号", "通报文号"] },
            new("Task", "任务编号", Id, true, "The task the notice was about, or `ind:` and the indicator id for an indicator notice.", "2026-zd-001"),
            new("Kind", "类型", Choice, true, "explanation/说明, rectification/整改 or special-explanation/专题说明.", "说明"),
            new("SubmittedOn", "提交日期", Date, true, "When it was submitted.", "2026-06-05"),
            new("SubmittedBy", "提交人", Id, false, "Person id of the submitter.", "fgw-chen", Reference.Person),
            new("Text", "内容", Text, false, "The text, or where to find it.", "已于6月3日召开专题会……"),
            new("From", "提交单位", Id, false, "Unit id of the unit that submitted it, when a notice demanded it of another unit than the task's (e.g. the builder); empty: the task's unit.", "cgj", Reference.Unit),
            new("Evidence", "佐证材料", Text, false, "The evidence files: the web writes a JSON list of {Name, Sha256, Bytes, ContentType}; by hand, file names separated by ； or ;. A rectification without evidence never meets its demand.", "整改前后对比照片.jpg；验收报告.pdf") { Aliases = ["附件"] },
            new("Seq", "次序", WholeNumber, false, "1 (or empty) for the first submission of a case (notice, kind, submitting unit), 2.. for resubmissions; the row key ends in @{seq} from 2 on.", "2"),
            new("SubmittedAt", "提交时间", Text, false, "When it was submitted on the web: an instant, ISO 8601 in UTC; empty for rows written by hand.", "2026-06-05T02:30:00Z"),
        ],
        true);

    public static TableSchema Indicators { get; } = new(
        "indicators", "指标", "the constant `indicator`", "the indicator id",
        "Indicators (指标) the office supervises: the owning unit, how they are published, their targets and what makes them lag.",
        [
            new("Id", "指标编号", Id, true, "The indicator's id, at most 96 characters (events name it `ind:{id}`).", "gdtz-zs"),
            new("Name", "指标名称", Text, true, "The indicator's name as messages print it.", "固定资产投资增速"),
            new("Owner", "主管部门", Id, true, "Unit id of the unit that answers for it (行业主管部门); a ranking group's scoreboard is filed under it.", "fgw", Reference.Unit) { Aliases = ["牵头单位"] },
            new("MeasureUnit", "计量单位", Text, false, "Printed after a value: %, 亿元; empty for none.", "%"),
            new("Direction", "指标方向", Choice, false, "higher/越高越好 (default) or lower/越低越好 (targets, ranks and averages compare the other way).", "越高越好"),
            new("Accumulation", "统计口径", Choice, true, "cumulative/累计 (2025-05 is 1–5月; the annual target is planned in proportion) or per-period/当期.", "累计"),
            new("PeriodKind", "发布周期", Choice, true, "month/月, quarter/季 or week/周 (also 月度, 季度, 每周): the kind of its values' periods.", "月"),
            new("AnnualTarget", "年度目标", Number, false, "The annual target the plan and the light are computed from; required for lag by time.", "120"),
            new("Floor", "确保目标", Number, false, "确保: a value below it misses the target (equal meets it).", "6.5"),
            new("Stretch", "力争目标", Number, false, "力争: missing it with the floor met earns a reminder only; not below the floor.", "7.5"),
            new("CheckAt", "考核时点", Choice, false, "When the floor and stretch are judged: every-period/每期 (default) or year-end/年末.", "每期"),
            new("RankFloor", "名次底线", WholeNumber, false, "Provincial rank floor (保四: 4): ranked worse lags; required for lag by rank.", "4"),
            new("RankGoal", "名次目标", WholeNumber, false, "Rank goal (争三: 3), shown with the facts; not worse than the floor.", "3"),
            new("RankStretch", "名次力争", WholeNumber, false, "Rank stretch (奔第一: 1), shown with the facts; not worse than the goal.", "1"),
            new("NotLowerThan", "不低于", Text, false, "A period of the same year later values may not fall below: Q1/一季度, 上半年, M3/3月, W10/第10周 (fitting the period kind).", "一季度"),
            new("Lag", "落后判定", Choice, false, "What makes it lag for indicator-lag: rank/排名, time/时序 (below the time-proportional plan) or none/不判定 (default).", "排名"),
            new("YellowRatio", "黄灯比例", Number, false, "Light: yellow from this share of plan (0.9 or 90%), in (0, 1]; default 0.9.", "0.9"),
        ],
        true);

    public static TableSchema IndicatorValues { get; } = new(
        "indicatorvalues", "指标数据", "the indicator id", "`{unit}:{period}`",
        "Published values (指标数据): one per indicator, unit and period, with the provincial rank, peer count and average published with it; one partition holds every value of an indicator.",
        [
            new("Indicator", "指标编号", Id, true, "The indicator's id (the partition key).", "gdtz-zs"),
            new("Unit", "单位", Id, true, "Unit id of the unit measured: the city for a provincial ranking, a town in a town ranking.", "city", Reference.Unit) { Aliases = ["责任单位"] },
            new("Period", "期次", Text, true, "A period of the indicator's kind: 2025-05 (month; cumulative: 1–5月), 2025-Q1 (quarter), 2025-W10 (ISO week).", "2025-05"),
            new("Value", "数值", Number, true, "The figure in the indicator's unit of measure; 6.9 % is 6.9; may be negative.", "6.9") { Aliases = ["指标值"] },
            new("Published", "发布日期", Date, true, "The day it was published: rules act on it from that day, and demands count from it; not before the period starts.", "2025-06-18"),
            new("ProvincialRank", "全省排名", WholeNumber, false, "Rank in the province, 1 the best; not above PeerCount.", "5"),
            new("PeerCount", "参与排名数", WholeNumber, false, "How many the province ranked (全省第5/12: 12); the year-end first third is ⌈N/3⌉.", "12"),
            new("ProvincialAverage", "全省平均", Number, false, "The provincial average, for below-average-and-bottom-k summonses.", "5.8"),
            new("EnteredBy", "录入人", Id, false, "Person id of who entered it, for the record; an id not in people is reported and the value still counts.", "fgw-chen", Reference.Person),
        ],
        true);

    public static TableSchema RankingGroups { get; } = new(
        "rankinggroups", "排名分组", "the constant `rankinggroup`", "the group id",
        "Units ranked together by one indicator (排名分组): bottom-k summonses, the monthly scoreboard, top-k sharing and bottom-k pledges are per group.",
        [
            new("Id", "分组编号", Id, true, "The group's id.", "towns-zjbf"),
            new("Name", "分组名称", Text, true, "The group's name as messages and the scoreboard print it.", "各镇（街道）"),
            new("Indicator", "指标编号", Id, true, "The indicator its units are ranked by.", "zjbf-jd"),
            new("Units", "参与单位", Text, true, "The units ranked together: unit ids (or names only one unit has), separated by , 、 ; or spaces; at least two, none twice.", "town-jia、town-yi、town-bing"),
            new("BottomK", "后N位", WholeNumber, false, "How many places at the bottom count (后3位, ties included); default 3, at most the number of units.", "3"),
            new("TopK", "前N位", WholeNumber, false, "How many places at the top are invited to share; default 3, at most the number of units.", "3"),
        ],
        true);

    public static TableSchema EscalationLog { get; } = new(
        Storage.EscalationLog.TableName, "督办记录", "the unit id", "the event id",
        "The escalation log: one row per event, written once (insert-if-absent), with its reason facts and status. It is the outbox: a row still Logged is published again.",
        LogColumns(
            new Column("Indexed", "已建月索引", Flag, true, "True once the copy in escalationbymonth is written; false means a run will write it again.", "true")),
        false);

    public static TableSchema EscalationByMonth { get; } = new(
        Storage.EscalationLog.MonthTableName, "督办记录（按月）", "the month of the event (`2026-06`)", "`{unit}:{event id}`",
        "A copy of each log row keyed for \"all events of a month\" (and of a unit in that month), written as an idempotent follow-up of the log row.",
        LogColumns(),
        false);

    public static TableSchema Deliveries { get; } = new(
        DeliveryLedger.TableName, "送达记录", "the event id", "`{channel}:{person}`",
        "The delivery ledger: one row per event, recipient and channel, opened once and updated with ETag checks.",
        [
            new("Event", "事件编号", Id, true, "The event id (the partition key).", "ev-3f2a…"),
            new("Unit", "责任单位", Id, true, "The event's unit.", "fgw"),
            new("Channel", "渠道", Choice, true, "Email or Sms.", "Sms"),
            new("Person", "人员编号", Id, true, "The recipient.", "fgw-zhang"),
            new("Role", "角色", Choice, true, "Owner, UnitPrincipal, DeputyInCharge, LeadOfficial, SupervisionOffice, BuilderPrincipal or Named (a person the rule names).", "UnitPrincipal"),
            new("IsCopy", "抄送", Flag, true, "True when the recipient is in copy.", "false"),
            new("Status", "状态", Choice, true, "Pending, Deferred, Sent, Failed or Skipped.", "Sent"),
            new("Attempts", "尝试次数", WholeNumber, true, "Sending attempts so far.", "1"),
            new("ProviderId", "服务商编号", Text, false, "The provider's message or operation id.", "6f1c…"),
            new("LastError", "最近错误", Text, false, "The last failure, as the provider put it.", "429 Too Many Requests"),
            new("Address", "地址（脱敏）", Text, false, "The address used, mostly hidden.", "+86138****8000"),
            new("NextAttemptAt", "下次尝试", Timestamp, false, "When a deferred delivery is tried again, or until when a sending invocation holds it.", "2026-06-03T00:30:00Z"),
            new("FirstAttemptAt", "首次尝试", Timestamp, false, "When its message was first attempted.", "2026-06-02T00:31:10Z"),
            new("DispatchDay", "发送日", Date, false, "The day of the message it goes in, fixed before it joins one.", "2026-06-02"),
            new("Dispatch", "合并消息", Text, false, "The message that carries it (a row of dispatches): `{channel}:{person}:{yyyyMMdd}:{level}:{sequence}`.", "Sms:fgw-zhang:20260602:Notice:001"),
            new("UpdatedAt", "更新时间", Timestamp, true, "Last change.", "2026-06-02T00:31:12Z"),
        ],
        false);

    public static TableSchema Dispatches { get; } = new(
        DispatchStore.TableName, "合并消息", "`{channel}:{person}`", "`{yyyyMMdd}:{level}:{sequence}` (three digits)",
        "One message to one person on one channel carrying every event due to them that day at one level: gathered, claimed, sent and retried as a whole. Its deliveries in the ledger mirror it.",
        [
            new("Channel", "渠道", Choice, true, "Email or Sms.", "Email"),
            new("Person", "人员编号", Id, true, "The recipient.", "fgw-zhang"),
            new("Day", "发送日", Date, true, "The working day it is delivered (or the day a level that goes at once was raised).", "2026-06-02"),
            new("Level", "级别", Choice, true, "Reminder, Notice, Summons or Accountability.", "Summons"),
            new("Sequence", "序号", WholeNumber, true, "1, or more when events came after the day's message had gone.", "1"),
            new("Status", "状态", Choice, true, "Open (gathering), Sending, Deferred, Sent, Failed, or Moved (over the daily SMS cap: its events joined the next day's message, MovedTo).", "Sent"),
            new("Items", "事项", Text, true, "JSON list of the events it carries: {Event, Unit, Copy}.", "[{\"Event\":\"ev-3f2a…\",\"Unit\":\"fgw\",\"Copy\":false}]"),
            new("SendAt", "计划发送", Timestamp, true, "When it goes: the window's opening (or the moment it could first go) plus the gathering time.", "2026-06-02T00:40:00Z"),
            new("Attempts", "尝试次数", WholeNumber, true, "Sending attempts so far.", "1"),
            new("FirstAttemptAt", "首次尝试", Timestamp, false, "When it was first attempted (SMS repeatability sends the same value on every attempt).", "2026-06-02T00:40:02Z"),
            new("UnconfirmedSince", "待核实发送", Timestamp, false, "Since when an attempt may have sent it without the provider confirming (a lost answer from a mainland SMS gateway): the next attempt asks the gateway first.", "2026-06-02T00:40:12Z"),
            new("NextAttemptAt", "下次尝试", Timestamp, false, "When a deferred message is tried again, or until when a sending invocation holds it.", "2026-06-03T00:30:00Z"),
            new("ProviderId", "服务商编号", Text, false, "The provider's message or operation id.", "6f1c…"),
            new("LastError", "最近错误", Text, false, "The last failure, as the provider put it.", "429 Too Many Requests"),
            new("Address", "地址（脱敏）", Text, false, "The address used, mostly hidden.", "+86138****8000"),
            new("MovedTo", "并入消息", Text, false, "Over the daily SMS cap: the next day's message its events joined (Moved); while the move is under way (Deferred), that day's first message of the level.", "Sms:fgw-zhang:20260603:Notice:001"),
            new("UpdatedAt", "更新时间", Timestamp, true, "Last change.", "2026-06-02T00:40:03Z"),
        ],
        false);

    public static TableSchema Problems { get; } = new(
        ProblemLog.TableName, "问题", "the scope validated: `config`, a unit id, `ind:{indicator}`, `import`, `sms-gateway` or `robot-settings`", "`{table}|{key}|{field}` (characters keys may not hold written %XX)",
        "Bad input found while reading or importing tables, kept until it is fixed and then marked resolved.",
        [
            new("Scope", "范围", Text, true, "config, a unit id, ind:{indicator} (an indicator's values, exemptions and evaluation), import, sms-gateway (what check finds missing in smstemplates for a mainland SMS gateway) or robot-settings (what check finds missing in the robots' settings).", "fgw"),
            new("Table", "表", Text, true, "The table the bad row is in.", "tasks"),
            new("Key", "行键", Text, true, "The row's key (a task id, {task}:{due}, …).", "fgw-2026-05"),
            new("Field", "字段", Text, true, "The faulty column.", "Deadline"),
            new("Value", "值", Text, false, "The value as found.", "2026/09/30"),
            new("Reason", "原因", Text, true, "What is wrong and how to fix it.", "not a date; write it yyyy-MM-dd, e.g. 2026-06-30"),
            new("Status", "状态", Choice, true, "Open or Resolved.", "Open"),
            new("FirstSeen", "首次发现", Timestamp, true, "When the problem was first found.", "2026-06-01T00:30:05Z"),
            new("LastSeen", "最近发现", Timestamp, true, "When it was last found.", "2026-06-02T00:30:04Z"),
            new("ResolvedAt", "解决时间", Timestamp, false, "When a run no longer found it.", "2026-06-03T00:30:06Z"),
        ],
        false);

    public static TableSchema FirstSeen { get; } = new(
        FirstSeenDates.TableName, "首次纳入监测", "the unit id (for an indicator, its owner)", "the task id, or `ind:{indicator}`",
        "The day the engine first saw each task and each indicator (first imported, or first evaluated): lag streaks (and an indicator's runs of bottom places) count only periods closed, or values published, on or after it, unless the GoLive setting is set. Written once per task or indicator, never changed.",
        [
            new("Unit", "责任单位", Id, true, "The task's unit, or the indicator's owner (the partition key).", "fgw"),
            new("Task", "任务编号", Id, true, "The task, or `ind:` and the indicator id (the row key).", "2026-zd-001"),
            new("FirstSeen", "首次纳入日期", Date, true, "The local date the task or indicator was first imported or evaluated.", "2026-06-10"),
            new("Source", "来源", Choice, true, "Import (written by an import) or Evaluation (by the daily run, for a task or indicator it had not seen).", "Import"),
        ],
        false);

    public static TableSchema IndicatorClaims { get; } = new(
        Storage.EscalationLog.ClaimTableName, "指标事件登记", "`ind:{indicator}`, the item of the indicator's events", "the event id",
        "Which unit's partition of escalationlog holds each indicator event: written once (insert-if-absent) before the log row, so that an event whose unit changes between days (a new owner, a unit joining or leaving a ranking group) is logged and sent once, under the unit that first claimed it.",
        [
            new("Task", "任务编号", Id, true, "`ind:` and the indicator id (the partition key), as the event's Task in the log.", "ind:zjbf-jd"),
            new("Event", "事件编号", Id, true, "The event id (the row key).", "ev-3f2a…"),
            new("Unit", "责任单位", Id, true, "The unit whose escalationlog partition holds (or, after a crash, will hold) the event.", "town-ji"),
        ],
        false);

    public static TableSchema Digests { get; } = new(
        DigestStore.TableName, "督查清单和通报", "the digest: `week:{yyyy-Www}` or `month:{yyyy-MM}`", "`claim`, or `{channel}:{person}` for a recipient's copy",
        "The weekly supervision lists and monthly notices issued: a claim row per period, inserted once by the run that issues it (fixing its issue day), and one row per recipient's copy, inserted once and leased (ETag) while it is sent, so that a retried or overlapping run never sends a copy twice.",
        [
            new("Digest", "清单编号", Text, true, "The digest (the partition key): week:2026-W23 or month:2026-06.", "week:2026-W23"),
            new("Row", "行", Text, true, "claim, or {channel}:{person} (the row key).", "Email:fgw-zhang"),
            new("Kind", "类别", Choice, false, "On the claim: WeeklyList or MonthlyNotice.", "WeeklyList"),
            new("Period", "期别", Text, false, "On the claim: the ISO week or the month.", "2026-W23"),
            new("IssuedOn", "签发日期", Date, false, "On the claim: the day it is issued; every retry renders it as of that day.", "2026-06-01"),
            new("Missing", "缺报数据", Text, false, "On a monthly notice's claim: data missing when it was issued.", "gdp 2026-06: town-ji"),
            new("ClaimedAt", "领取时间", Timestamp, false, "On the claim: when it was claimed.", "2026-06-01T01:00:02Z"),
            new("Channel", "渠道", Choice, false, "On a copy: Email.", "Email"),
            new("Person", "人员编号", Id, false, "On a copy: the recipient.", "fgw-zhang"),
            new("Part", "单位部分", Text, false, "On a copy of a weekly list: the unit whose part it is, or the units, comma-separated, when one person heads several listed units (one copy with each unit's part); empty for the whole list.", "fgw"),
            new("Status", "状态", Choice, true, "Claim: Claimed or Issued. Copy: Pending, Sending, Sent, Failed or Skipped.", "Sent"),
            new("Attempts", "尝试次数", WholeNumber, false, "On a copy: sending attempts so far.", "1"),
            new("LeaseUntil", "占用至", Timestamp, false, "On a copy being sent: until when the sending run holds it.", "2026-06-01T01:10:02Z"),
            new("ProviderId", "服务商编号", Text, false, "On a copy: the provider's id, or the outbox file.", "email/week_2026-W23_Email_fgw-zhang-1a2b3c4d.eml"),
            new("LastError", "最近错误", Text, false, "On a copy: the last failure, or why it was skipped.", "此人没有邮箱或不接收邮件"),
            new("Address", "地址（脱敏）", Text, false, "On a copy: the address used, mostly hidden.", "zh****@fgw.example.gov.cn"),
            new("UpdatedAt", "更新时间", Timestamp, true, "Last change.", "2026-06-01T01:00:03Z"),
        ],
        false);

    public static TableSchema WebKeys { get; } = new(
        Web.TableKeyRepository.TableName, "网页密钥", "the constant `key`", "the key's name (`key-{guid}`)",
        "The web's ASP.NET Core data-protection key ring (it protects the forms' antiforgery tokens and the development sign-in cookie), shared by every instance: one row per key, written once by data protection when it creates a key (about every 90 days), never changed.",
        [
            new("Name", "密钥名称", Id, true, "The key's name (the row key), as data protection names it.", "key-0f8e…"),
            new("Xml", "密钥内容", Text, true, "The key as data protection writes it (XML); unencrypted at rest: access to the storage account is the protection.", "<key id=\"0f8e…\" version=\"1\">…</key>"),
        ],
        false);

    public static TableSchema References { get; } = new(
        ReferenceNumbers.TableName, "文号", "`counter` for the yearly counters, the year (`2026`) for its numbers, `event` for the events", "the year for a counter, the number's digits (`0123`) for a number, the event id for an event",
        "The references (文号, 督办〔2026〕0123号) of notices, summonses and accountability recommendations: a counter per year taken with ETag checks, a row per number naming its event and a row per event naming its number, both written once (insert-if-absent); the event's row decides. A crash between steps leaves a gap in the numbers, never a number twice.",
        [
            new("Last", "已用到", WholeNumber, false, "Counter rows: the last number of the year handed out.", "123"),
            new("Event", "事件编号", Id, false, "Number rows: the event the number was given to.", "ev-3f2a…"),
            new("Reference", "文号", Text, false, "Number and event rows: the reference as issued, with the prefix of its day.", "督办〔2026〕0123号"),
            new("Void", "作废", Flag, false, "Number rows: true when a concurrent run numbered the event first; the number is a gap and names no event.", "true"),
            new("Year", "年度", WholeNumber, false, "Event rows: the year of the event's date.", "2026"),
            new("Sequence", "序号", WholeNumber, false, "Event rows: the number within the year.", "123"),
        ],
        false);

    private static List<Column> LogColumns(params Column[] extra) =>
    [
        new("Month", "月份", Text, true, "Month of the event's date (yyyy-MM): the partition of its copy in escalationbymonth.", "2026-06"),
        new("Date", "日期", Date, true, "The day the event was raised.", "2026-06-02"),
        new("Rule", "规则", Id, true, "The rule that raised it.", "R5"),
        new("Level", "级别", Choice, true, "Reminder, Notice, Summons or Accountability (问责建议).", "Notice"),
        new("Kind", "类型", Choice, true, "DueSoon, DueToday, Overdue, ReportMissing, Lagging, DemandOverdue, StartMissed, ReportDueSoon; for indicators IndicatorLagging, TargetMissed, StretchMissed, BelowEarlier, YearEndRank, BottomRank, Scoreboard, ShareInvitation or Pledge; for the closed loop AnswerSubmitted, AnswerDecided, FalseRectification or ExemptionRequested; Unsigned (未签收) for the chase of a notice not signed for.", "Lagging"),
        new("Task", "任务编号", Id, true, "The task; for an indicator event ind:{indicator}.", "fgw-2026-01"),
        new("Unit", "责任单位", Id, true, "The unit.", "fgw"),
        new("Occurrence", "事由键", Text, true, "What the event is about (milestone, period, report due date, demand), part of its id.", "lag:2026-05"),
        new("Recipients", "送达对象", Text, true, "JSON list of {Role, Person, Copy}, plus Unit and UnitName for a role of a unit the rule names.", "[{\"Role\":\"UnitPrincipal\",\"Person\":\"fgw-zhang\",\"Copy\":false}]"),
        new("Channels", "渠道", Choice, true, "Email, Sms, or both.", "Email,Sms"),
        new("Template", "模板", Id, true, "Message template.", "lag-notice"),
        new("TaskTitle", "任务名称", Text, true, "The task's title when the event was raised.", "推进城市更新"),
        new("UnitName", "单位名称", Text, true, "The unit's name then.", "市发展改革委"),
        new("Planned", "计划进度", Number, true, "Planned progress (%) on the judged date.", "45.5"),
        new("Reported", "实际进度", Number, true, "Reported progress (%).", "20"),
        new("Checkpoint", "节点", Text, false, "The milestone concerned.", "完成方案报批"),
        new("CheckpointDue", "节点日期", Date, false, "Its due date.", "2026-05-29"),
        new("CheckpointTarget", "节点目标", Number, false, "Its target (%).", "40"),
        new("IsDeadline", "是否完成时限", Flag, true, "True when the checkpoint is the deadline itself.", "false"),
        new("WorkingDaysLeft", "剩余工作日", WholeNumber, false, "Working days left to the checkpoint (due-soon).", "3"),
        new("Streak", "连续滞后期数", WholeNumber, false, "Lagging periods in a row.", "2"),
        new("Period", "期间", Text, false, "The period in Chinese.", "2026年5月"),
        new("PeriodKey", "期间键", Text, false, "The period key.", "2026-05"),
        new("ReportDue", "报送截止", Date, false, "The report due date missed.", "2026-05-31"),
        new("DemandOf", "原通报", Id, false, "For a demand-overdue event: the notice whose demand is overdue; for an unsigned event (未签收): the notice or summons not signed for.", "ev-…"),
        new("DemandOfDueBy", "原要求时限", Date, false, "That demand's due date.", "2026-06-09"),
        new("DemandOfUnit", "欠交单位", Id, false, "For a demand-overdue event owed by another unit than the task's (a builder): that unit.", "cgj"),
        new("PlannedStart", "计划开工日期", Date, false, "For a start-missed event: the planned start.", "2026-04-30"),
        new("Cause", "原因", Text, false, "For a start-missed event: the recorded cause, or 未记录原因，按主观原因处理.", "未记录原因，按主观原因处理"),
        new("Demand", "要求", Choice, false, "Explanation, Rectification or SpecialExplanation demanded by a notice.", "Explanation"),
        new("DueBy", "要求时限", Date, false, "When the demand is due.", "2026-06-09"),
        new("DemandFrom", "要求提交单位", Text, false, "Unit ids that owe the demand, comma-separated; empty on rows logged before it existed: the task's unit.", "zjj,cgj"),
        new("RuleName", "规则名称", Text, false, "For an accountability event: the rule's name when it was raised, which its message cites (依据督办规则).", "说明整改逾期问责建议"),
        new("Consequence", "后果", Text, false, "For a consequence notice (后果通知): the consequence recommended, never executed by the engine.", "核减前期费"),
        new("ConsequenceUnit", "执行单位", Id, false, "For a consequence notice: the unit that executes it.", "fgw"),
        new("ConsequenceUnitName", "执行单位名称", Text, false, "That unit's name then.", "市发改委"),
        new("Indicator", "指标编号", Id, false, "For an indicator event (Task is ind:{indicator}): the indicator. Period and PeriodKey are its period.", "gdtz-zs"),
        new("MeasureUnit", "计量单位", Text, false, "For an indicator event: the indicator's unit of measure (empty for none).", "%"),
        new("Published", "发布日期", Date, false, "For an indicator event: the day the data was published, from which the rule's delay and demand count.", "2025-05-20"),
        new("IndicatorValue", "指标值", Number, false, "For an indicator event: the unit's value (none for a scoreboard).", "6.1"),
        new("IndicatorPlanned", "计划值", Number, false, "For an indicator event with an annual target: the time-proportional plan for the period.", "40"),
        new("Light", "指标灯", Choice, false, "For an indicator event with an annual target: Green, Yellow or Red against plan.", "Yellow"),
        new("Target", "目标值", Number, false, "The value target judged: the floor (确保) for target-missed, the stretch (力争) for stretch-missed, the earlier period's value for below-earlier.", "6.5"),
        new("EarlierPeriod", "基期", Text, false, "For below-earlier: the earlier period's key.", "2025-03"),
        new("ProvincialRank", "全省排名", WholeNumber, false, "The unit's provincial rank for the period, when published.", "5"),
        new("PeerCount", "参与排名数", WholeNumber, false, "How many the province ranked.", "12"),
        new("ProvincialAverage", "全省平均", Number, false, "The provincial average, when published.", "5.8"),
        new("RankTargets", "名次目标", Text, false, "The indicator's rank floor/goal/stretch (保/争/奔), empty parts for none.", "4/3/1"),
        new("FirstThird", "第一方阵名次", WholeNumber, false, "For year-end-rank: the last rank inside the first third, ⌈N/3⌉.", "4"),
        new("RankingGroup", "排名分组", Id, false, "For a group event (bottom-rank, scoreboard, share, pledge): the ranking group.", "towns-zjbf"),
        new("RankingGroupName", "分组名称", Text, false, "That group's name then.", "各镇（街道）"),
        new("GroupSize", "分组单位数", WholeNumber, false, "For a group event: how many units were ranked.", "7"),
        new("GroupRank", "分组名次", WholeNumber, false, "For a unit's group event: its place from the top (ties share a place).", "7"),
        new("GroupRankFromBottom", "分组倒数名次", WholeNumber, false, "Its place from the bottom (1 the last).", "1"),
        new("TopK", "前N位", WholeNumber, false, "For a group event: how many places at the top the group names (分享经验).", "3"),
        new("BottomK", "后N位", WholeNumber, false, "For a group event: how many places at the bottom the group names (表态发言, bottom-rank).", "3"),
        new("Consecutive", "连续上榜期数", WholeNumber, false, "For bottom-rank: consecutive ranked periods the unit qualified in, this one included.", "2"),
        new("Escalated", "升级约谈", Flag, false, "For bottom-rank: true when the summons moved up one level (the deputy replaced by the principal).", "true"),
        new("Exempt", "已豁免", Flag, false, "True when the office approved an objective cause for the period: a year-end event is then logged only.", "true"),
        new("Standings", "排名表", Text, false, "For a scoreboard: every unit's standing, best first, as JSON [[unit, value, rank, rank from bottom], …].", "[[\"town-jia\",82,1,7],[\"town-geng\",73,2,6]]"),
        new("LoopSubject", "办理对象", Text, false, "For a closed-loop event: the row key of the answer (explanations) or exemption request (exemptionrequests) it is about.", "ev-3f2a…:rectification@2"),
        new("LoopTable", "对象表", Choice, false, "For a closed-loop event: explanations or exemptionrequests, the table LoopSubject is a row of.", "explanations"),
        new("AnswerKind", "答复类型", Choice, false, "For an answer's event: Explanation, Rectification or SpecialExplanation.", "Rectification"),
        new("AnswerSeq", "答复次序", WholeNumber, false, "For an answer's event: the submission's number in its case (1 the first).", "2"),
        new("Decision", "处理决定", Choice, false, "For a decision's event: Accept, Reject, Reopen, Approve or Deny.", "Reject"),
        new("DecisionReason", "处理理由", Text, false, "For a closed-loop event: the decision's reason, or the exemption request's cause.", "未附整改佐证材料"),
        new("Actor", "办理人", Id, false, "For a closed-loop event: who submitted, requested or decided (person id).", "dcs-wang"),
        new("ActorName", "办理人姓名", Text, false, "Their name then.", "王主任"),
        new("ActedAt", "办理时间", Timestamp, false, "For a closed-loop event: when the record was written.", "2026-06-05T02:30:00Z"),
        new("Evidence", "佐证材料", Text, false, "For a closed-loop event: the evidence files' names, separated by 、.", "整改照片.jpg、验收报告.pdf"),
        new("Notice", "原通报", Id, false, "For an answer's event: the notice answered (event id).", "ev-…"),
        new("NoticeReference", "原通报文号", Text, false, "For an answer's event: the answered notice's reference; for an unsigned event: the reference of the notice not signed for; when it has one.", "督办〔2026〕0123号"),
        new("ExemptPeriod", "豁免期次", Text, false, "For an exemption request's event: the period or occurrence requested, as the exemptions table writes it.", "milestone:2026-06-30"),
        new("LoopFrom", "提交单位", Id, false, "For a closed-loop event: the unit that answered or requested, when another than the task's (a builder).", "cjt"),
        new("Reference", "文号", Text, false, "The reference assigned when the event was first logged (notices, summonses and accountability recommendations that are sent; not reminders, not events logged only, not rows logged before references existed): quoted by messages, the export and answers.", "督办〔2026〕0123号"),
        new("Status", "状态", Choice, true, "Logged, Published, Delivered, PartlyFailed, Failed, or LogOnly (仅记录: an event without channels, never published).", "Published"),
        new("StatusNote", "状态说明", Text, false, "Why, when delivery failed.", "2 of 3 deliveries failed"),
        new("LoggedAt", "记录时间", Timestamp, true, "When the row was written.", "2026-06-02T00:30:04Z"),
        new("UpdatedAt", "更新时间", Timestamp, true, "Last status change.", "2026-06-02T00:31:12Z"),
        new("DeliveredAt", "送达时间", Timestamp, false, "When the status first became Delivered or PartlyFailed (set once); the unsigned chase counts from its local date. Empty before, and on rows settled before the column existed.", "2026-06-02T00:31:12Z"),
        new("SignedBy", "签收人", Id, false, "A notice or summons: the person who signed for it (签收) on the web, once; empty while unsigned.", "fgw-zhang"),
        new("SignedAt", "签收时间", Timestamp, false, "When SignedBy signed for it.", "2026-06-02T02:15:40Z"),
        new("NoticeLevel", "原通报级别", Choice, false, "For an unsigned event: the level of the notice not signed for (Notice or Summons).", "Notice"),
        new("NoticeDelivered", "原通报送达日期", Date, false, "For an unsigned event: the local date that notice was delivered.", "2026-06-02"),
        .. extra,
    ];

    public static TableSchema Feeds { get; } = new(
        Web.Feeds.FeedStore.TableName, "日历订阅", "the constant `feed`", "lowercase hex SHA-256 of the feed's token",
        "Calendar feeds (iCal) people create on the web page /feeds: one row per feed, keyed by the hash of its token (the token itself, the secret in the feed's address, is never stored), so that /ical/{token}.ics is one point read. Written by the web when a feed is created; RevokedAt set when it is revoked; never deleted.",
        [
            new("Person", "创建人", Id, true, "Person id of who created it; the feed lists what this person may see, checked on every fetch.", "fgw-liu", Reference.Person),
            new("Scope", "范围", Choice, true, "person (the person's own items) or unit (one unit's).", "unit"),
            new("Unit", "单位", Id, false, "For a unit feed, the unit.", "fgw", Reference.Unit),
            new("CreatedAt", "创建时间", Timestamp, true, "When it was created.", "2026-06-01T02:15:00Z"),
            new("RevokedAt", "撤销时间", Timestamp, false, "When it was revoked; empty while it works.", "2026-06-20T08:01:00Z"),
        ],
        false);

    public static TableSchema Decisions { get; } = new(
        Storage.CaseRecords.DecisionsTable, "督办决定", "the unit of the answer or request decided", "`{subject}!{seq:00}`: the subject's row key and the decision's number (`ev-3f2a…:rectification@2!01`)",
        "The supervision office's decisions on answers and exemption requests, written by the web once each (insert-if-absent) and read by the daily run (which raises the events they cause within its catch-up window): who decided what, when and why.",
        [
            new("Unit", "责任单位", Id, true, "The unit whose answer or request it decides (the partition key).", "jtj", Reference.Unit),
            new("Subject", "办理对象", Text, true, "The row key of the answer (explanations) or request (exemptionrequests) decided.", "ev-3f2a…:rectification@2"),
            new("SubjectTable", "对象表", Choice, true, "explanations or exemptionrequests.", "explanations"),
            new("Decision", "处理决定", Choice, true, "accept/采纳 (an accepted rectification is closed, 销号), reject/退回, reopen/虚假整改 (a closed rectification reopened as false), approve/批准 or deny/不予批准.", "reject"),
            new("DecidedBy", "处理人", Id, true, "The office's person id.", "dcs-wang", Reference.Person),
            new("DecidedAt", "处理时间", Timestamp, true, "When.", "2026-06-08T03:10:00Z"),
            new("Reason", "理由", Text, false, "Why; required for reject, reopen and deny.", "未附整改佐证材料"),
            new("Task", "任务编号", Id, false, "The task (or ind:{indicator}) concerned.", "jtj-2026-04"),
            new("Notice", "通报编号", Id, false, "For an answer's decision: the notice answered.", "ev-3f2a…"),
        ],
        false);

    public static TableSchema ExemptionRequests { get; } = new(
        Storage.CaseRecords.RequestsTable, "豁免申请", "the requesting unit", "`{task or ind:indicator}:{period}@{seq}` (`jtj-2026-01:2026-05@1`)",
        "Exemption requests units made on the web for an objective cause, written once each (insert-if-absent); the office approves (which writes the exemptions row) or denies them (a decisions row).",
        [
            new("Unit", "责任单位", Id, true, "The requesting unit (the partition key).", "jtj", Reference.Unit),
            new("Task", "任务编号", Id, false, "The task; empty for an indicator's request.", "jtj-2026-01"),
            new("Indicator", "指标编号", Id, false, "The indicator; empty for a task's request.", "gdtz-zs"),
            new("Period", "期次", Text, true, "What it asks to exempt, as the exemptions table writes it: 2026-05, 2026-05-X2, 2026-W21, milestone:2026-06-30, deadline, start.", "2026-05"),
            new("Reason", "理由", Text, true, "The objective cause.", "沿线发现文物遗存，暂停施工配合考古勘探"),
            new("RequestedBy", "申请人", Id, true, "Person id of who asked.", "jtj-cao", Reference.Person),
            new("RequestedAt", "申请时间", Timestamp, true, "When.", "2026-05-06T02:00:00Z"),
            new("Evidence", "佐证材料", Text, false, "JSON list of {Name, Sha256, Bytes, ContentType}.", "[{\"Name\":\"停工通知.pdf\",…}]"),
        ],
        false);

    /// <summary>The tables the engine writes.</summary>
    public static IReadOnlyList<TableSchema> Engine { get; } = [EscalationLog, EscalationByMonth, Deliveries, Dispatches, Problems, FirstSeen, IndicatorClaims, Digests, References, WebKeys, Feeds, Decisions, ExemptionRequests];

    public static IReadOnlyList<TableSchema> Admin { get; } =
        [Units, People, Tasks, Milestones, PlanTemplates, Progress, Rules, Templates, SmsTemplates, Robots, Calendar, Settings, Exemptions, Explanations, Indicators, IndicatorValues, RankingGroups];
}
