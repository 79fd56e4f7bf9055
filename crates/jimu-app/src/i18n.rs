//! The configurator's one table of user-visible text, in zh-CN and en.
//!
//! Every string the app shows comes from [`Key`]. Keys are declared with the `texts!` macro,
//! which only accepts a key together with both its Chinese and its English text, so a key
//! cannot exist in one language only. Texts may hold `{name}` placeholders, filled by
//! [`Locale::fill`]; a unit test checks that both languages use the same placeholders.

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// 简体中文, the default.
    #[default]
    ZhCn,
    En,
}

impl Locale {
    /// The BCP 47 tag, as used by `Localized::get` and the `<html lang>` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    /// The other language (the one the toggle switches to).
    pub fn other(self) -> Self {
        match self {
            Self::ZhCn => Self::En,
            Self::En => Self::ZhCn,
        }
    }

    /// The text of a key in this language.
    pub fn text(self, key: Key) -> &'static str {
        let (zh_cn, en) = key.texts();
        match self {
            Self::ZhCn => zh_cn,
            Self::En => en,
        }
    }

    /// The text of a key with its `{name}` placeholders replaced by values.
    pub fn fill(self, key: Key, args: &[(&str, &str)]) -> String {
        args.iter()
            .fold(self.text(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }
}

macro_rules! texts {
    ($($(#[$doc:meta])* $key:ident => ($zh_cn:expr, $en:expr $(,)?)),+ $(,)?) => {
        /// A user-visible text of the configurator.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key {
            $($(#[$doc])* $key,)+
        }

        impl Key {
            /// Every key, in declaration order.
            #[cfg_attr(not(test), allow(dead_code))]
            pub const ALL: &'static [Key] = &[$(Key::$key,)+];

            /// The key's (zh-CN, en) texts.
            pub fn texts(self) -> (&'static str, &'static str) {
                match self {
                    $(Key::$key => ($zh_cn, $en),)+
                }
            }
        }
    };
}

texts! {
    AppName => ("积木 Jimu", "积木 Jimu"),
    /// The glyph in the logo square.
    BrandMark => ("积", "积"),
    DocumentTitle => ("积木 Jimu · 配置器", "Jimu · Configurator"),
    /// The language toggle names the language it switches to.
    LangToggle => ("English", "中文"),
    LangToggleTitle => ("切换为英文界面", "Switch the interface to Chinese"),

    OpenFile => ("打开文件…", "Open file…"),
    ExportJson => ("导出 JSON", "Export JSON"),
    ExportJsonTitle => ("将当前价目包下载为 .json 文件", "Download the current bundle as a .json file"),
    ExportFailed => ("导出失败", "Export failed"),

    StatusEmpty => ("尚未输入", "No bundle yet"),
    StatusValid => ("方案有效", "Bundle is valid"),
    StatusInvalidBundle => ("价目包无效", "Bundle is invalid"),
    StatusInvalidRequest => ("数量有误", "Quantities are invalid"),
    StatusInvalidQuote => ("无法计算报价", "Cannot compute the quote"),

    ProblemsInBundle => ("价目包中的问题（{count}）", "Problems in the bundle ({count})"),
    ProblemsInRequest => ("数量中的问题（{count}）", "Problems in the quantities ({count})"),
    ProblemsInQuote => ("计算报价时的问题（{count}）", "Problems computing the quote ({count})"),
    ProblemPosition => ("第 {line} 行，第 {column} 列", "line {line}, column {column}"),
    ProblemHint => ("提示", "Hint"),

    /// The (decorative) picture of the empty state.
    EmptyIcon => ("{ }", "{ }"),

    UntitledBundle => ("未命名价目包", "Untitled bundle"),
    ColItem => ("项目", "Item"),
    ColUnitPrice => ("单价", "Unit price"),
    ColQuantity => ("数量", "Quantity"),
    ColAmount => ("金额", "Amount"),
    NoUnit => ("—", "—"),
    QuantityOf => ("{item} 的数量", "Quantity of {item}"),

    QuoteTitle => ("报价", "Quote"),
    Subtotal => ("小计", "Subtotal"),
    Total => ("合计", "Total"),

    ServerProblemsHeading => ("服务器发现的问题（{count}）", "Problems found by the server ({count})"),

    ServerTitle => ("同步服务器", "Sync server"),
    TokenLabel => ("令牌", "Token"),
    TokenPlaceholder => ("粘贴发布者令牌 jimu_…", "Paste a publisher token jimu_…"),
    TokenNote => ("只保存在本浏览器中，不会出现在网址里。", "Kept in this browser only, never in the URL."),
    ClearToken => ("清除", "Clear"),
    ClearTokenTitle => ("从本浏览器中删除令牌", "Remove the token from this browser"),
    BundlesTitle => ("服务器上的价目包", "Bundles on the server"),
    Refresh => ("刷新", "Refresh"),
    Loading => ("正在加载…", "Loading…"),
    ListEmpty => ("服务器上还没有价目包。", "No bundles on the server yet."),
    ColName => ("名称", "Name"),
    ColVersion => ("版本", "Version"),
    ColAuthor => ("发布者", "Author"),
    ColTime => ("时间", "Time"),
    ColMessage => ("说明", "Message"),
    /// An empty table cell (a version published without a message).
    EmptyCell => ("—", "—"),
    OpenBundle => ("打开", "Open"),
    OpenBundleTitle => ("打开 {name} 的最新版本", "Open the newest version of {name}"),

    PublishTitle => ("发布", "Publish"),
    MessageLabel => ("说明", "Message"),
    MessagePlaceholder => ("改了什么（可选）", "What changed (optional)"),
    PublishButton => ("发布到服务器", "Publish to server"),
    Publishing => ("正在发布…", "Publishing…"),
    BaseNone => ("填写名称后即可发布。", "Enter a name to publish."),
    BaseCreate => ("{name} 将作为新价目包发布为版本 1。", "{name} will be published as a new bundle, version 1."),
    BaseUpdate => ("基于服务器上 {name} 的版本 {version}（{etag}）", "Based on {name} version {version} on the server ({etag})"),
    BaseEdited => ("有未发布的修改", "Unpublished changes"),
    BaseUnchanged => ("与该版本相同", "Same as that version"),

    LoadTheirs => ("载入对方的版本", "Load theirs"),
    LoadTheirsTitle => (
        "载入服务器上的最新版本；你的文本会另存，可随时恢复",
        "Load the server's newest version; your text is kept aside to restore",
    ),

    HistoryTitle => ("{name} 的版本历史", "History of {name}"),
    HistoryHeading => ("版本历史", "History"),
    HistoryIdle => ("填写名称或打开一个价目包，即可查看它的历史。", "Enter a name or open a bundle to see its history."),
    HistoryNone => ("{name} 还不在服务器上：发布后即为版本 1。", "{name} is not on the server yet: publishing makes version 1."),
    HistoryArchived => ("已归档", "Archived"),
    CurrentVersion => ("当前", "Current"),
    RollbackButton => ("回滚", "Roll back"),
    RollbackConfirm => (
        "把版本 {to} 的内容发布为新版本？当前版本会保留在历史中。",
        "Publish version {to}'s content as a new version? The current one stays in the history.",
    ),
    RollbackYes => ("确认回滚", "Roll back"),
    RollbackCancel => ("取消", "Cancel"),
    RollingBack => ("正在回滚…", "Rolling back…"),


    OutcomePublished => ("已发布", "Published"),
    OutcomeRolledBack => ("已回滚", "Rolled back"),
    OutcomeNotPublished => ("未发布", "Not published"),
    OutcomeNotRolledBack => ("未回滚", "Not rolled back"),
    OutcomeNotOpened => ("未能打开", "Could not open"),
    NotSentNoToken => ("请先在上方填写发布者令牌；未发送任何内容。", "Enter a publisher token above first; nothing was sent."),
    NotSentBadName => (
        "“{name}”不是有效的名称：请使用 1–64 个小写字母、数字、- 或 _，并以字母或数字开头；未发送任何内容。",
        "“{name}” is not a bundle name: use 1–64 lowercase letters, digits, - or _, starting with a letter or digit; nothing was sent.",
    ),
    NotSentEmpty => ("编辑器是空的，没有可发布的内容。", "The editor is empty: there is nothing to publish."),
    NotSentErrors => (
        "价目包有 {count} 个错误（列在检查结果中），修正后才能发布；未发送任何内容。",
        "The bundle has {count} error(s), listed in the result; fix them to publish. Nothing was sent.",
    ),
    PublishedNew => ("新价目包 {name} 已发布为版本 {version}。", "New bundle {name} was published as version {version}."),
    PublishedNext => ("{name} 已发布为版本 {version}。", "{name} was published as version {version}."),
    PublishedWarnings => ("其中有 {count} 条警告，不影响发布。", "It has {count} warning(s), which do not stop a publish."),
    RolledBackAs => (
        "{name} 的版本 {version} 恢复了版本 {to} 的内容，编辑器已载入该版本。",
        "{name} version {version} now has the content of version {to}; the editor shows it.",
    ),
    ConflictUpdate => (
        "在你打开版本 {since} 之后，{author} 于 {time} 发布了 {name} 的版本 {theirs}。服务器上的内容没有被覆盖，你的文本仍在编辑器中。",
        "{author} published version {theirs} of {name} at {time}, after you opened version {since}. Nothing was overwritten, and your text is still in the editor.",
    ),
    ConflictUpdateUnknown => (
        "在你打开版本 {since} 之后，服务器上的 {name} 有了新版本。服务器上的内容没有被覆盖，你的文本仍在编辑器中。",
        "{name} changed on the server after you opened version {since}. Nothing was overwritten, and your text is still in the editor.",
    ),
    ConflictCreate => (
        "服务器上已有名为 {name} 的价目包（{author} 于 {time} 发布了版本 {theirs}）。载入它以在其上发布新版本，或换一个名称。你的文本仍在编辑器中。",
        "A bundle named {name} already exists ({author} published version {theirs} at {time}). Load it to publish a new version of it, or choose another name. Your text is still in the editor.",
    ),
    ConflictCreateUnknown => (
        "服务器上已有名为 {name} 的价目包。载入它以在其上发布新版本，或换一个名称。你的文本仍在编辑器中。",
        "A bundle named {name} already exists. Load it to publish a new version of it, or choose another name. Your text is still in the editor.",
    ),
    ConflictRollback => (
        "{name} 的历史在显示之后有了变化，已重新加载；请查看后再试。",
        "The history of {name} changed since it was shown; it was reloaded. Check it and try again.",
    ),
    ConflictGeneric => ("服务器上的 {name} 已有变化，未保存任何内容。", "{name} changed on the server; nothing was stored."),
    FailureNetwork => (
        "无法连接服务器，什么都没有改变；你的文本仍在编辑器中。",
        "Cannot reach the server: nothing was changed, and your text is still in the editor.",
    ),
    FailureUnauthorized => (
        "服务器拒绝了令牌：令牌缺失、错误或已被吊销。请检查上方的令牌。",
        "The server refused the token: it is missing, wrong or revoked. Check the token above.",
    ),
    FailureForbidden => (
        "此令牌没有这个权限：发布和回滚需要发布者（publisher）角色的令牌。",
        "This token may not do that: publishing and rolling back need a token with the publisher role.",
    ),
    FailureNotFound => ("服务器上没有名为 {name} 的价目包。", "The server has no bundle named {name}."),
    FailureArchived => (
        "{name} 已归档，未保存任何内容；先在服务器上取消归档才能发布。",
        "{name} is archived, so nothing was stored; unarchive it on the server to publish.",
    ),
    FailureInvalid => (
        "服务器在价目包中发现 {count} 个问题，未保存任何内容：",
        "The server found {count} problem(s) in the bundle; nothing was stored:",
    ),
    FailureUnexpected => ("服务器返回了 {status}：{detail}", "The server answered {status}: {detail}"),

    // The frame.
    SkipToContent => ("跳到正文", "Skip to content"),
    ToolbarLabel => ("草稿操作", "Draft actions"),
    Undo => ("撤销", "Undo"),
    UndoTitle => ("撤销上一步（Ctrl+Z）", "Undo the last step (Ctrl+Z)"),
    Redo => ("重做", "Redo"),
    RedoTitle => ("重做（Ctrl+Shift+Z 或 Ctrl+Y）", "Redo (Ctrl+Shift+Z or Ctrl+Y)"),
    NewFromTemplate => ("从模板新建", "New from template"),
    HistoryMenu => ("历史", "History"),
    HistoryMenuTitle => ("修改历史", "Edit history"),
    HistoryMenuNote => ("最新的在上；撤销回到下一行，灰色的步骤可以重做。", "Newest first; undo goes back one line; greyed steps can be redone."),
    HistoryEmpty => ("还没有修改", "No changes yet"),
    StepReplaced => ("打开了整个方案", "Opened a whole bundle"),
    StepChanged => ("修改 {places}", "Changed {places}"),
    MemberEmpty => ("方案中还没有这一部分：在这里输入 JSON 即可添加", "The bundle has no such part yet: type JSON here to add it"),
    OpenFileTitle => ("打开本机的方案文件；也可以把文件拖到页面上", "Open a bundle file from this computer; you can also drop a file on the page"),
    PasteJson => ("粘贴 JSON", "Paste JSON"),
    NavLabel => ("配置分区", "Sections"),
    NavOverview => ("概览", "Overview"),
    NavFlows => ("工单流程", "Flows"),
    NavForms => ("表单", "Forms"),
    NavPricing => ("价格", "Pricing"),
    NavSettlement => ("结算", "Settlement"),
    NavOrg => ("日历与组织", "Calendars & organisation"),
    NavPublish => ("发布", "Publish"),
    NavTemplates => ("模板", "Templates"),
    NavErrors => ("{count} 个错误", "{count} errors"),
    NavWarnings => ("{count} 个警告", "{count} warnings"),
    StatusChecking => ("检查中…", "Checking…"),
    StatusPending => ("{count} 处文本尚未生效（还不是有效的 JSON）", "Text in {count} place(s) not applied (not valid JSON yet)"),
    StatusErrors => ("方案有 {count} 个错误", "The bundle has {count} errors"),
    StatusWarnings => ("方案有效，有 {count} 个警告", "The bundle is valid, with {count} warnings"),
    SaveClean => ("未改动", "Unchanged"),
    SavePending => ("保存中…", "Saving…"),
    SaveDone => ("已保存 {time}", "Saved {time}"),
    SaveTrimmed => ("草稿已保存 {time}（存储空间不足，只保留最近 {kept} 步撤销）", "Draft saved {time} (storage is short: only the last {kept} undo steps kept)"),
    SaveFailed => ("草稿未能保存：浏览器存储已满或不可用，请导出文件", "The draft could not be saved: browser storage is full or unavailable; export a file"),
    // Notices.
    NoticeOpenedUndoable => ("已打开「{what}」，可撤销回到之前的内容", "Opened “{what}”; undo goes back to what was here"),
    NoticeOpenedDraft => ("已在自己的草稿中打开「{what}」；之前的草稿仍在草稿列表中", "Opened “{what}” in a draft of its own; the previous draft is still in the drafts list"),
    NoticeDraftDiscarded => ("已丢弃草稿「{name}」", "Discarded the draft “{name}”"),
    NoticeUndone => ("已撤销", "Undone"),
    NoticeRedone => ("已重做", "Redone"),
    NoticeNothingToUndo => ("没有可撤销的操作", "Nothing to undo"),
    NoticeNothingToRedo => ("没有可重做的操作", "Nothing to redo"),
    NoticePendingDropped => ("已撤销尚未生效的文本修改", "Dropped the text that was not applied"),
    NoticeEditFailed => ("修改未能应用：{detail}", "The change could not be applied: {detail}"),
    // Drafts.
    DraftLabel => ("草稿", "Draft"),
    DraftsTitle => ("本浏览器中的草稿", "Drafts in this browser"),
    DraftsNote => ("每个方案名一个草稿，随每次修改自动保存，包括撤销记录。", "One draft per bundle name, saved on every change with its undo history."),
    DraftCurrent => ("当前", "open"),
    DraftSavedAt => ("保存于 {time}", "saved {time}"),
    DraftSize => ("{kb} KB", "{kb} KB"),
    DraftOpen => ("打开", "Open"),
    DraftDiscard => ("丢弃", "Discard"),
    DraftDiscardConfirm => ("丢弃后无法恢复，确定吗？", "A discarded draft cannot be recovered. Sure?"),
    DraftDiscardYes => ("丢弃", "Discard"),
    DraftDiscardNo => ("保留", "Keep"),
    // Import.
    PasteTitle => ("粘贴方案 JSON", "Paste bundle JSON"),
    PasteNote => ("粘贴的内容会先检查；有问题时当前草稿保持不变。", "What you paste is checked first; if it has problems, the current draft stays as it is."),
    PasteSubmit => ("打开", "Open"),
    PastedText => ("粘贴的文本", "pasted text"),
    Cancel => ("取消", "Cancel"),
    Close => ("关闭", "Close"),
    RefusedTitle => ("未打开「{what}」", "“{what}” was not opened"),
    RefusedNotJson => ("它不是 JSON 方案（{count} 个问题）：", "It is not a JSON bundle ({count} problems):"),
    RefusedInvalid => ("它是 JSON，但作为方案有 {count} 个问题：", "It is JSON, but as a bundle it has {count} problems:"),
    RefusedUnreadable => ("无法读取该文件。", "The file cannot be read."),
    RefusedDraftKept => ("当前草稿没有任何改动。", "The current draft has not changed."),
    OpenAnyway => ("仍然打开以便修改", "Open anyway, to fix it here"),
    // Templates.
    TemplatesTitle => ("从模板新建", "New from template"),
    TemplatesNote => ("每个模板是领域说明中的一个场景，可直接运行。打开后在自己的草稿中修改，当前草稿保留在草稿列表中。", "Each template is one scenario of the domain brief, ready to run. It opens in a draft of its own; the current draft stays in the drafts list."),
    TemplatesFlows => ("工单流程", "Ticket flows"),
    TemplatesForms => ("自定义表单", "Custom forms"),
    TemplatesPricing => ("价格体系", "Pricing"),
    TemplatesSettlement => ("结算与分润", "Settlement and splits"),
    TemplatesOrg => ("组织与日历", "Organisation and calendars"),
    UseTemplate => ("使用此模板", "Use this template"),
    StartBlank => ("从空白方案开始", "Start from a blank bundle"),
    BlankBundle => ("空白方案", "blank bundle"),
    HoldsFlows => ("{count} 个流程", "{count} flows"),
    HoldsNodes => ("{count} 个节点", "{count} nodes"),
    HoldsForms => ("{count} 张表单", "{count} forms"),
    HoldsFields => ("{count} 个字段", "{count} fields"),
    HoldsItems => ("{count} 个价目项", "{count} catalog items"),
    HoldsRules => ("{count} 条价格规则", "{count} price rules"),
    HoldsTierTables => ("{count} 张阶梯表", "{count} tier tables"),
    HoldsParties => ("{count} 个分润方", "{count} parties"),
    HoldsPlans => ("{count} 个分润方案", "{count} plans"),
    HoldsCalendars => ("{count} 个日历", "{count} calendars"),
    HoldsRegions => ("{count} 个区域", "{count} regions"),
    // Overview.
    SettingsTitle => ("方案设置", "Bundle settings"),
    SettingName => ("方案名", "Bundle name"),
    SettingNameHint => ("小写字母、数字和连字符；发布到同步服务器时用这个名字", "Lowercase letters, digits and hyphens; the name it is published under"),
    SettingCurrency => ("币种", "Currency"),
    SettingDescZh => ("说明（中文）", "Description (Chinese)"),
    SettingDescEn => ("说明（英文）", "Description (English)"),
    SettingRounding => ("舍入方式", "Rounding"),
    SettingTimeZone => ("时区", "Time zone"),
    SettingTimeZoneHint => ("IANA 时区名，例如 Asia/Shanghai", "An IANA zone name, such as Asia/Shanghai"),
    RoundHalfAway => ("四舍五入", "Half away from zero"),
    RoundHalfEven => ("银行家舍入（四舍六入五成双）", "Half to even (banker's)"),
    RoundUp => ("向上舍入", "Up"),
    RoundDown => ("向下舍入（截断）", "Down (truncate)"),
    ContentsTitle => ("方案内容", "What the bundle holds"),
    AllProblems => ("全部问题（{count}）", "All problems ({count})"),
    WholeBundleJson => ("整个方案的 JSON", "The whole bundle as JSON"),
    Show => ("展开", "Show"),
    Hide => ("收起", "Hide"),
    // Sections and the text view.
    JsonTitle => ("JSON", "JSON"),
    MemberJson => ("{member} 的 JSON", "JSON of {member}"),
    SectionProblems => ("本分区的问题（{count}）", "Problems in this section ({count})"),
    SelectedLabel => ("已选中", "Selected"),
    TextNotApplied => ("文本尚未生效", "Text not applied"),
    TextNotJson => ("这段文本还不是有效的 JSON，方案保持上一次的有效内容", "This text is not valid JSON yet; the bundle keeps its last valid content"),
    DiscardText => ("放弃这段文本", "Discard this text"),
    NoteFlows => ("工单从哪个节点进入、由谁处理、每步时限、超时怎么办。可视化设计器即将推出；现在可编辑 JSON，右侧即时模拟工单。", "Where tickets enter, who handles them, how long each step may take, what happens when late. The visual designer is coming; edit the JSON here and simulate a ticket on the right."),
    NoteForms => ("字段、逻辑、校验与按角色的权限。右侧是填写者看到的表单，由引擎在浏览器中计算。", "Fields, logic, validation and permissions by role. On the right, the form as the person filling it sees it, computed by the engine in the browser."),
    NotePricing => ("价目表与叠加的价格规则。右侧填写报价上下文，查看总价与每条规则的计算过程。", "The catalog and the stacked price rules. On the right, give a quote's context and read the total and why each rule did what it did."),
    NoteSettlement => ("分润方与分润方案。右侧粘贴或导入样例订单（CSV），查看每单分账与结算单。", "Parties and split plans. On the right, paste or import sample orders (CSV) and read each order's split and the statements."),
    NoteOrg => ("区域、团队、角色、人员与工作日历，供派单、权限和 SLA 计时使用。", "Regions, teams, roles, people and business calendars, used by dispatch, permissions and SLA clocks."),
    OrgSummaryTitle => ("组织一览", "The organisation at a glance"),
    OrgRegions => ("区域", "Regions"),
    OrgTeams => ("团队", "Teams"),
    OrgRoles => ("角色", "Roles"),
    OrgAgents => ("人员", "People"),
    OrgCalendars => ("日历", "Calendars"),
    // Previews.
    Stale => ("已过期", "Stale"),
    StaleTitle => ("方案当前有错误或有尚未生效的文本：这里显示的是最后一个有效版本的结果", "The bundle has errors or text not applied: this is the result of its last valid version"),
    PreviewNeedsValid => ("方案有效后这里会显示预览。", "The preview shows once the bundle is valid."),
    QuotePreviewTitle => ("报价预览", "Quote preview"),
    ContextTitle => ("报价上下文", "Quote context"),
    ContextNote => ("规则读取的变量。未填写的变量被规则读取时会报告 missing-context。", "The variables rules read. A rule that reads one left empty reports missing-context."),
    ReadByRules => ("{count} 处规则读取", "read by {count} rule(s)"),
    TypeRegion => ("区域", "region"),
    TypeText => ("文本", "text"),
    TypeInstant => ("时间", "instant"),
    TypeNumber => ("数字", "number"),
    TypeObject => ("JSON 对象", "JSON object"),
    NotGiven => ("（未填写）", "(not given)"),
    QuantitiesTitle => ("数量", "Quantities"),
    QuoteProblems => ("报价问题（{count}）", "Quote problems ({count})"),
    ColListAmount => ("原价金额", "List amount"),
    TraceTitle => ("价格是怎么算出来的", "Why this price"),
    TraceEmpty => ("没有价格规则参与。", "No price rule took part."),
    WholeTicket => ("整单", "whole ticket"),
    ColRule => ("规则", "Rule"),
    ColLine => ("行", "Line"),
    ColOutcome => ("结果", "Outcome"),
    ColFormula => ("计算", "Arithmetic"),
    ColChange => ("变化", "Change"),
    OutcomeApplied => ("已应用", "applied"),
    OutcomeNotMatched => ("不匹配", "not matched"),
    OutcomeNotChosen => ("未选中", "not chosen"),
    OutcomeSkipped => ("跳过", "skipped"),
    FormPreviewTitle => ("表单预览", "Form preview"),
    PreviewForm => ("表单", "Form"),
    PreviewRole => ("以角色查看", "View as role"),
    NoRole => ("（不限角色）", "(any role)"),
    ClearValues => ("清空填写", "Clear values"),
    NoForms => ("方案中还没有表单。", "The bundle has no forms yet."),
    FlagRequired => ("必填", "required"),
    FlagDisabled => ("不可改", "disabled"),
    FlagReadOnly => ("只读", "read only"),
    FlagMasked => ("脱敏", "masked"),
    FlagComputed => ("自动计算", "computed"),
    FormValid => ("可提交", "Can be submitted"),
    FormInvalid => ("有错误，不能提交", "Has errors: cannot be submitted"),
    RouteLabel => ("进入流程：", "Enters flow:"),
    NoRoute => ("（无）", "(none)"),
    HandedToFlow => ("交给流程的值", "Values handed to the flow"),
    TicketPreviewTitle => ("工单模拟", "Ticket simulation"),
    PreviewFlow => ("流程", "Flow"),
    ScriptLabel => ("命令脚本（JSON）", "Command script (JSON)"),
    ScriptNote => ("每条命令带时间：create、act、assign、comment、pause、resume、tick……；until 让时钟继续走到该时刻。", "Each command has its time: create, act, assign, comment, pause, resume, tick…; until runs the clock on to that time."),
    ScriptReset => ("换回示例脚本", "Back to the starter script"),
    ScriptProblems => ("脚本问题（{count}）", "Script problems ({count})"),
    NoFlows => ("方案中还没有流程。", "The bundle has no flows yet."),
    TimelineTitle => ("时间线", "Timeline"),
    ColWhat => ("发生了什么", "What"),
    ColNode => ("节点", "Node"),
    ColDetails => ("详情", "Details"),
    RefusedCommands => ("被拒绝的命令", "Refused commands"),
    TicketAt => ("所在节点", "At"),
    TicketAssignee => ("处理人", "Assignee"),
    TicketPriority => ("优先级", "Priority"),
    TicketOpen => ("处理中", "open"),
    TicketClosed => ("已关闭", "closed"),
    NextDue => ("下一次到期：", "Next due:"),
    EvCreated => ("创建", "created"),
    EvEntered => ("进入节点", "entered"),
    EvAssigned => ("派单", "assigned"),
    EvQueued => ("排队", "queued"),
    EvActed => ("操作", "acted"),
    EvCommented => ("备注", "commented"),
    EvPaused => ("暂停计时", "paused"),
    EvResumed => ("恢复计时", "resumed"),
    EvHeld => ("等待", "held"),
    EvSkipped => ("跳过节点", "skipped"),
    EvPriority => ("优先级", "priority"),
    EvSlaStarted => ("SLA 开始", "SLA started"),
    EvSlaWarning => ("SLA 预警", "SLA warning"),
    EvSlaBreach => ("SLA 超时", "SLA breach"),
    EvSlaStopped => ("SLA 停止", "SLA stopped"),
    EvEscalated => ("升级", "escalated"),
    EvDeadlineWarning => ("节点预警", "deadline warning"),
    EvDeadlineBreach => ("节点超时", "deadline breach"),
    EvNotify => ("通知", "notify"),
    EvEvent => ("事件", "event"),
    EvClosed => ("结束", "closed"),
    EvPriced => ("计价", "priced"),
    EvPriceFailed => ("计价失败", "price failed"),
    OrdersPreviewTitle => ("订单分账预览", "Order split preview"),
    ImportCsv => ("导入 CSV", "Import CSV"),
    ClearOrders => ("清空订单", "Clear orders"),
    OrdersLabel => ("样例订单（CSV，第一行是表头）", "Sample orders (CSV, the first line is the header)"),
    OrdersColumns => ("本方案需要的列：{columns}，以及方案条件读取的字段", "Columns this bundle needs: {columns}, and the fields its conditions read"),
    NoOrders => ("粘贴或导入订单后，这里显示每单的分账和结算单。", "Paste or import orders to see each order's split and the statements."),
    OrdersSummary => ("{all} 单中 {ok} 单已结算", "{ok} of {all} orders settled"),
    OrderLine => ("第 {line} 行：", "line {line}:"),
    SplitsTitle => ("每单分账", "Splits per order"),
    StatementsTitle => ("结算单", "Statements"),
    PartyTotalsTitle => ("各收款方合计", "Total per payee"),
    ColOrder => ("订单", "Order"),
    ColPlan => ("方案 / 账期", "Plan / period"),
    ColShares => ("分账", "Shares"),
    ColPayee => ("收款方", "Payee"),
    ColPeriod => ("账期", "Period"),
    ColOrders => ("订单数", "Orders"),
    SamplesKept => ("与方案一起保存的样例", "Samples kept with the bundle"),
    SamplesCount => ("已保存的样例（{count}）", "Kept samples ({count})"),
    SampleUse => ("使用", "Use"),
    SampleRemove => ("删除", "Remove"),
    SampleName => ("样例名称", "Sample name"),
    SampleKeep => ("保存为样例", "Keep as sample"),
    SampleKeepTitle => ("把当前输入作为样例保存在方案的编辑器区域中（引擎不读取），可撤销", "Keep what is entered as a sample in the bundle's editor section (engines ignore it); undoable"),
    SampleDefaultName => ("样例 {n}", "Sample {n}"),
    OrdersKeep => ("随方案保存这些订单", "Keep these orders with the bundle"),
    OrdersUseKept => ("使用方案中保存的样例订单", "Use the sample orders kept with the bundle"),
    // The flow designer.
    FlowTabs => ("流程", "Flows"),
    AddFlow => ("新建流程", "New flow"),
    NoFlowsHint => ("点“新建流程”开始，或从模板新建一个带流程的方案。", "Press “New flow” to start, or start from a template that has one."),
    FlowProblems => ("此流程的问题（{count}）", "Problems in this flow ({count})"),
    PaletteLabel => ("节点", "Nodes"),
    PaletteHint => ("拖到画布上，或按回车加到画布中央", "Drag onto the canvas, or press Enter to add it in the middle"),
    KindStart => ("开始", "Start"),
    KindTask => ("任务", "Task"),
    KindApproval => ("审批", "Approval"),
    KindExclusive => ("条件分支", "Exclusive gateway"),
    KindParallelSplit => ("并行拆分", "Parallel split"),
    KindParallelJoin => ("并行汇合", "Parallel join"),
    KindAutomatic => ("自动处理", "Automatic"),
    KindSubFlow => ("子流程", "Sub-flow"),
    KindEnd => ("结束", "End"),
    CanvasRole => ("流程画布", "flow canvas"),
    CanvasLabel => ("流程画布：方向键移动所选节点或平移，+/- 缩放，F 适应窗口，Delete 删除，Ctrl+C/V 复制粘贴", "Flow canvas: arrow keys move the selection or pan, +/- zoom, F fits, Delete removes, Ctrl+C/V copy and paste"),
    CanvasTools => ("画布工具", "Canvas tools"),
    CanvasHelp => ("拖动节点右侧圆点连线 · Shift 拖动框选 · Ctrl+滚轮缩放", "Drag from a node's right dot to connect · Shift-drag to box-select · Ctrl+wheel to zoom"),
    LayoutFlow => ("自动排列", "Lay out"),
    LayoutSelection => ("排列所选", "Lay out selection"),
    FitView => ("适应窗口", "Fit to view"),
    ZoomIn => ("放大", "Zoom in"),
    ZoomOut => ("缩小", "Zoom out"),
    DeleteSelected => ("删除所选", "Delete selected"),
    Minimap => ("流程缩略图，点击定位", "Flow minimap; click to move there"),
    NodeDisabled => ("已停用", "off"),
    PortHint => ("从这里拖到另一个节点以连线", "Drag from here to another node to connect"),
    NodeProblems => ("{count} 个问题，点击查看", "{count} problem(s): pick to see"),
    NodesCopied => ("已复制 {count} 个节点", "Copied {count} node(s)"),
    NodesPasted => ("已粘贴 {count} 个节点", "Pasted {count} node(s)"),
    CannotConnect => ("这个节点不能再连出更多的线", "This node cannot have another way out"),
    EdgeDefault => ("默认", "default"),
    EdgeApprove => ("同意", "approve"),
    EdgeReject => ("驳回", "reject"),
    EdgeSkipTo => ("停用时跳到", "skipped to"),
    EdgeTitle => ("连线", "Edge"),
    EdgePlain => ("这条线没有条件；在起点节点中可以改它的去向。", "This edge has no condition; change where it goes in its source node."),
    DeleteEdge => ("删除连线", "Delete edge"),
    NodesSelected => ("已选 {count} 个节点", "{count} nodes selected"),
    NodesSelectedNote => ("可以一起拖动、排列、复制或删除。", "Move, lay out, copy or delete them together."),
    NodeName => ("节点名称", "Node name"),
    NodeEnabled => ("启用（季节性节点可停用而不删除）", "Enabled (a seasonal node can be switched off without deleting it)"),
    WhenDisabled => ("停用时的工单", "Tickets while disabled"),
    WhenDisabledHold => ("在此等待", "wait here"),
    WhenDisabledSkip => ("跳到 {node}", "skip to {node}"),
    NodeStatus => ("到达时设置的状态", "Status set on arrival"),
    NodeForm => ("此处填写的表单", "Form filled in here"),
    NodeJson => ("此节点的 JSON", "This node's JSON"),
    Dispatch => ("派单", "Dispatch"),
    Strategy => ("派给谁", "How the owner is picked"),
    StrategyByRegion => ("按区域（再按负载）", "By region (then load)"),
    StrategyBySkill => ("按技能（再按负载）", "By skill (then load)"),
    StrategyLeastLoaded => ("负载最低", "Least loaded"),
    StrategyRoundRobin => ("轮流", "Round robin"),
    StrategyTeam => ("团队队列", "Team queue"),
    StrategyRole => ("角色队列", "Role queue"),
    PoolRole => ("候选：角色", "Candidates: role"),
    PoolTeam => ("候选：团队", "Candidates: team"),
    PoolAgent => ("候选：个人", "Candidates: person"),
    SameRegion => ("只派给服务客户所在区域的人", "Only people serving the customer's region"),
    VipJumpQueue => ("VIP 客户优先", "VIP customers first"),
    TriageRules => ("关键词分派", "Keyword triage"),
    Deadline => ("时限", "Deadline"),
    DeadlineWithin => ("须在多久内（如 2h、1d）", "Within (e.g. 2h, 1d)"),
    DeadlineWarn => ("提前预警", "Warn before"),
    DeadlineRemind => ("提醒间隔", "Remind every"),
    BusinessTime => ("只计工作时间（流程的日历）", "Count business time only (the flow's calendar)"),
    WaysOut => ("出口", "Ways out"),
    WaysOutHint => ("在画布上从节点右侧圆点拖到目标节点即可新增出口。", "Add one on the canvas: drag from the node's right dot to the target."),
    WayNext => ("下一步", "Next"),
    WayTo => ("去向", "Goes to"),
    RemoveWay => ("删除这个出口", "Remove this way out"),
    ActionLabel => ("按钮文字", "Button label"),
    ActionGuard => ("显示条件（表达式）", "Offered when (expression)"),
    ActionEvents => ("触发的事件", "Events emitted"),
    BranchWhen => ("条件（表达式）", "Condition (expression)"),
    BranchLabel => ("连线上的文字", "Label on the edge"),
    SplitBranches => ("并行分支的起点", "Each branch's first node"),
    SplitJoin => ("汇合节点", "Join"),
    SubFlowTarget => ("运行的子流程", "Flow to run"),
    AutomaticSteps => ("自动执行的步骤", "Steps performed"),
    EndEvents => ("结束时触发的事件", "Events on closing"),
    FlowSettings => ("流程设置", "Flow settings"),
    FlowSettingsNote => ("选中节点或连线可编辑它们；这里是整个流程的设置。", "Select a node or an edge to edit it; these are the whole flow's settings."),
    FlowName => ("流程名称", "Flow name"),
    FlowCalendar => ("工作日历（SLA 和时限按它计时）", "Business calendar (SLA clocks and deadlines count in it)"),
    FlowForm => ("工单表单", "Ticket form"),
    FlowSla => ("SLA 策略与升级", "SLA policies and escalations"),
    FlowNotifications => ("通知规则", "Notification rules"),
    FlowStatuses => ("工单状态", "Ticket statuses"),
    SlaPolicyN => ("SLA 策略 {id}", "SLA policy {id}"),
    SlaNone => ("还没有 SLA 策略：工单不计 SLA。", "No SLA policy yet: tickets have no SLA clocks."),
    SlaAdd => ("添加 SLA 策略", "Add an SLA policy"),
    SlaRemove => ("删除此策略", "Remove this policy"),
    SlaId => ("策略标识", "Policy id"),
    SlaWhen => ("适用的工单（表达式，留空为兜底策略）", "Applies to tickets where (expression; empty for the fallback)"),
    SlaCalendar => ("工作日历（默认流程的）", "Calendar (default: the flow's)"),
    SlaClock => ("计时", "Clock"),
    SlaWithin => ("时限", "Within"),
    SlaBusiness => ("工作时间", "Business time"),
    SlaFirstResponse => ("首次响应", "First response"),
    SlaNextUpdate => ("后续更新", "Next update"),
    SlaResolution => ("解决", "Resolution"),
    SlaWarnBefore => ("提前预警（如 1h）", "Warn before (e.g. 1h)"),
    SlaPauseStates => ("这些状态或节点期间暂停计时", "Clocks stop during these statuses or nodes"),
    SlaEscalations => ("升级链", "Escalation chain"),
    SlaEscalationsNone => ("没有升级步骤。", "No escalation steps."),
    EscOn => ("时机", "When"),
    EscOnWarning => ("预警时", "At the warning"),
    EscOnBreach => ("超时时", "At the breach"),
    EscAfter => ("再过多久", "Then after"),
    EscAction => ("动作", "Action"),
    EscWho => ("对象", "Who"),
    EscReassign => ("改派给", "Reassign to"),
    EscNotify => ("通知", "Notify"),
    EscSetPriority => ("调整优先级为", "Set priority to"),
    EscAdd => ("添加升级步骤", "Add an escalation step"),
    EscRemove => ("删除第 {n} 步", "Remove step {n}"),
    EscStep => ("第 {n} 步", "Step {n}"),
    RecipientAssignee => ("当前处理人", "The assignee"),
    RecipientCustomer => ("客户", "The customer"),
    RecipientManager => ("处理人的上级", "The assignee's manager"),
    RecipientMany => ("（多个对象，见 JSON）", "(several, see the JSON)"),
    PriorityUrgent => ("紧急", "Urgent"),
    PriorityHigh => ("高", "High"),
    PriorityNormal => ("普通", "Normal"),
    PriorityLow => ("低", "Low"),
    SlaAsJson => ("以 JSON 查看全部 SLA 设置", "All SLA settings as JSON"),
    SlaPausedHere => ("在此节点 SLA 暂停计时（策略：{policies}）", "SLA clocks stop at this node (policies: {policies})"),
    SimulateTitle => ("模拟工单", "Simulate a ticket"),
    SimulateControls => ("模拟控制", "Simulation controls"),
    Play => ("播放", "Play"),
    Pause => ("暂停", "Pause"),
    StepBack => ("上一步", "Step back"),
    StepForward => ("下一步", "Step forward"),
    Scrub => ("拖动查看任意一步", "Scrub to any step"),
    TimelineChart => ("时间线图：每个节点停留的时间、SLA 预警与超时、升级和通知", "Timeline chart: time at each node, SLA warnings and breaches, escalations and notifications"),
    // Publish.
    PublishAs => ("发布为", "Publishes as"),
    BaseRenamed => ("此草稿打开自「{from}」第 {version} 版，现在方案名是「{name}」：发布会写入「{name}」，「{from}」不受影响。", "This draft was opened from “{from}” version {version}; its name is now “{name}”: publishing writes “{name}”, and “{from}” is not changed."),
    ServerVersionName => ("{name} 第 {version} 版", "{name} version {version}"),
    DownloadMine => ("下载我的版本", "Download mine"),
    ColActions => ("操作", "Actions"),
    Compare => ("对比", "Compare"),
    VersionN => ("第 {version} 版", "version {version}"),
    CompareTitle => ("{name} 第 {version} 版与草稿的差异（{count}）", "{name} version {version} against the draft ({count})"),
    CompareSame => ("草稿与该版本相同。", "The draft is the same as this version."),
    CompareMore => ("差异较多，只列出前 200 处。", "More differences than shown: the first 200 are listed."),
    ColPath => ("位置", "Where"),
    ColInVersion => ("第 {version} 版", "Version {version}"),
    ColInDraft => ("草稿", "Draft"),
    DiffAdded => ("新增", "added"),
    DiffRemoved => ("删除", "removed"),
    DiffChanged => ("修改", "changed"),
    // The form designer (issue 18).
    FormTabs => ("表单列表", "Forms"),
    AddForm => ("新建表单", "New form"),
    FdPalette => ("字段类型", "Field kinds"),
    FdPaletteHint => ("拖入表单，或选中后按回车添加到所选字段之后。", "Drag into the form, or press Enter to add after the selected field."),
    FdStructure => ("表单结构", "Form structure"),
    FdLoose => ("未分组的字段", "Fields in no section"),
    FdDropHere => ("拖到这里放在末尾", "Drop here to put it last"),
    FdEmpty => ("还没有字段：从左侧拖入一种字段。", "No fields yet: drag a kind of field in from the left."),
    FdMoveUp => ("上移 {field}", "Move {field} up"),
    FdMoveDown => ("下移 {field}", "Move {field} down"),
    FdDuplicate => ("复制 {field}", "Duplicate {field}"),
    FdRemove => ("删除 {field}", "Remove {field}"),
    FdInherited => ("继承自 {form}", "inherited from {form}"),
    FdOverrides => ("覆盖 {form} 的字段", "overrides {form}'s field"),
    FdAdded => ("本表单新增", "added here"),
    FdRemovedList => ("此表单移除的继承字段", "Inherited fields this form removes"),
    FdRestore => ("恢复 {field}", "Restore {field}"),
    FdReads => ("读取", "reads"),
    FdReadBy => ("被以下字段的逻辑读取", "Read by the logic of"),
    FdRequiredBadge => ("必填", "required"),
    FdVisibleBadge => ("条件显示", "visible if"),
    FdRequiredIfBadge => ("条件必填", "required if"),
    FdEnabledBadge => ("条件可编辑", "enabled if"),
    FdMaskedBadge => ("按角色限制", "role limits"),
    FdFieldProps => ("字段属性", "Field properties"),
    FdFormProps => ("表单设置", "Form settings"),
    FdFieldId => ("字段标识（表达式中的变量名）", "Field id (its variable name in expressions)"),
    FdRenameBad => ("标识已被使用，或不合法：字母开头，只含字母、数字和 _。", "That id is taken or not valid: a letter first, then letters, digits and _."),
    FdInheritedNote => ("此字段继承自 {form}。要在此表单中修改，先复制为覆盖。", "This field is inherited from {form}. To change it in this form, override it first."),
    FdOverride => ("在此表单中覆盖", "Override in this form"),
    FdLabel => ("标题", "Label"),
    FdHelp => ("帮助说明", "Help"),
    FdPlaceholder => ("占位提示", "Placeholder"),
    FdRequired => ("必填", "Required"),
    FdDefault => ("默认值", "Default"),
    FdMin => ("最小值", "Minimum"),
    FdMax => ("最大值", "Maximum"),
    FdMinLength => ("最少字数", "Fewest characters"),
    FdMaxLength => ("最多字数", "Most characters"),
    FdDecimals => ("小数位", "Decimal places"),
    FdUnit => ("单位", "Unit"),
    FdPreset => ("预设格式", "Preset"),
    FdLevels => ("层级数", "Levels"),
    FdMaxFiles => ("最多文件数", "Most files"),
    FdOptionsFrom => ("选项来源", "Options from"),
    FdRegionTree => ("组织的地区树", "The organisation's region tree"),
    FdCurrency => ("币种（默认为方案币种）", "Currency (default: the bundle's)"),
    PresetMobile => ("手机号", "Mainland mobile"),
    PresetLandline => ("固定电话", "Landline"),
    PresetEmail => ("电子邮箱", "E-mail"),
    PresetIdNumber => ("身份证号（含校验位）", "ID number (with checksum)"),
    PresetPostal => ("邮政编码", "Postal code"),
    PresetUrl => ("网址", "Web address"),
    FdFormula => ("计算公式", "Formula"),
    FdValueType => ("结果类型", "Result type"),
    FdAllowOverride => ("允许手动修改计算值", "The computed value may be changed by hand"),
    VtNumber => ("数字", "Number"),
    VtMoney => ("金额", "Money"),
    VtText => ("文本", "Text"),
    VtBool => ("是/否", "Yes/no"),
    VtDate => ("日期", "Date"),
    FdOptions => ("选项", "Options"),
    FdOptionValue => ("选项值", "Value"),
    FdOptionN => ("选项 {n}", "Option {n}"),
    FdAddOption => ("添加选项", "Add an option"),
    FdRemoveOption => ("删除选项 {n}", "Remove option {n}"),
    FdPaste => ("粘贴一列", "Paste a column"),
    FdPasteHint => ("每行一个选项；也可以是“值<Tab>名称”。", "One option per line, or value<Tab>label."),
    FdPasteAdd => ("加入这些选项", "Add these options"),
    FdValidation => ("校验规则", "Validation rules"),
    FdAddRule => ("添加规则", "Add a rule"),
    FdRemoveRule => ("删除规则 {n}", "Remove rule {n}"),
    FdRuleN => ("规则 {n}", "Rule {n}"),
    FdRuleKind => ("规则", "Rule"),
    RuleRequired => ("必填", "Required"),
    RuleRange => ("数值范围", "Range"),
    RuleLength => ("长度或个数", "Length or count"),
    RulePattern => ("格式", "Pattern"),
    RuleOptions => ("必须是选项之一", "One of the options"),
    RuleExpression => ("条件表达式", "Condition"),
    FdSeverity => ("级别", "Severity"),
    SevError => ("错误（不能提交）", "Error (blocks submitting)"),
    SevWarning => ("警告（可提交）", "Warning (may submit)"),
    FdMessage => ("提示信息", "Message"),
    FdRegex => ("正则表达式", "Regular expression"),
    FdCondition => ("条件（value 为本字段的值）", "Condition (value is this field's value)"),
    FdPermissions => ("角色权限与脱敏", "Role permissions and masking"),
    FdNoRoles => ("组织中还没有角色：在组织分区中添加。", "The organisation has no roles yet: add them in the organisation section."),
    AccEditable => ("可编辑", "Editable"),
    AccReadOnly => ("只读", "Read only"),
    AccMasked => ("脱敏显示", "Masked"),
    AccHidden => ("隐藏", "Hidden"),
    FdMaskFor => ("{role} 的脱敏方式", "Mask for {role}"),
    MaskPhone => ("手机号：138****5678", "Phone: 138****5678"),
    MaskId => ("证件号：只留后 4 位", "ID number: last 4"),
    MaskCustom => ("自定义", "Custom"),
    FdKeepFirst => ("保留前几位", "Keep first"),
    FdKeepLast => ("保留后几位", "Keep last"),
    FdLogic => ("逻辑", "Logic"),
    FdVisibleIf => ("显示条件", "Visible if"),
    FdRequiredIf => ("必填条件", "Required if"),
    FdEnabledIf => ("可编辑条件", "Enabled if"),
    FdWhenField => ("字段", "Field"),
    FdOperator => ("比较", "Comparison"),
    FdValue => ("值", "Value"),
    FdExpression => ("表达式", "Expression"),
    FdAlways => ("（总是）", "(always)"),
    FdCustom => ("（自定义表达式，见右侧）", "(custom expression, see beside)"),
    OpEq => ("等于", "equals"),
    OpNe => ("不等于", "does not equal"),
    OpGt => ("大于", "is more than"),
    OpGe => ("大于等于", "is at least"),
    OpLt => ("小于", "is less than"),
    OpLe => ("小于等于", "is at most"),
    OpFilled => ("已填写", "is filled in"),
    OpEmpty => ("未填写", "is empty"),
    OpContains => ("包含", "contains"),
    FdSetValue => ("条件赋值", "Set the value when"),
    FdSetWhen => ("当", "When"),
    FdSetTo => ("设为", "Set to"),
    FdAddSetValue => ("添加条件赋值", "Add a conditional value"),
    FdRemoveSetValue => ("删除条件赋值 {n}", "Remove conditional value {n}"),
    FdFormId => ("表单标识", "Form id"),
    FdName => ("名称", "Name"),
    FdDescription => ("说明", "Description"),
    FdExtends => ("继承自", "Extends"),
    FdInheritSummary => ("继承 {inherited} 个，覆盖 {overridden} 个，新增 {added} 个，移除 {removed} 个字段。", "{inherited} fields inherited, {overridden} overridden, {added} added, {removed} removed."),
    FdSections => ("分组（页）", "Sections (pages)"),
    FdSectionsFrom => ("分组继承自 {form}；修改时会复制到此表单。", "The sections come from {form}; changing them copies them into this form."),
    FdAddSection => ("添加分组", "Add a section"),
    FdSectionN => ("分组 {n}", "Section {n}"),
    FdSectionTitle => ("标题", "Title"),
    FdSectionVisibleIf => ("显示条件", "Visible if"),
    FdRemoveSection => ("删除分组 {n}（字段改为未分组）", "Remove section {n} (its fields stay, in no section)"),
    FdNewSection => ("新分组", "New section"),
    FdRoutes => ("路由：按答案进入流程", "Routing: answers to flows"),
    FdRoutesFrom => ("路由继承自 {form}；添加时会复制到此表单。", "The routes come from {form}; adding one copies them into this form."),
    FdAddRoute => ("添加路由", "Add a route"),
    FdRouteFlowShort => ("进入流程", "Enters flow"),
    FdRemoveRoute => ("删除路由 {n}", "Remove route {n}"),
    FdNoRoutes => ("还没有路由：工单进入默认流程。", "No routes yet: tickets enter the default flow."),
    FdDefaultFlow => ("默认流程（没有路由匹配时）", "Default flow (when no route matches)"),
    KindText => ("单行文本", "Text"),
    KindLongText => ("多行文本", "Long text"),
    KindNumber => ("数字", "Number"),
    KindMoney => ("金额", "Money"),
    KindSingleSelect => ("单选", "Single choice"),
    KindMultiSelect => ("多选", "Multiple choice"),
    KindCascading => ("级联选择", "Cascading select"),
    KindDate => ("日期", "Date"),
    KindDateTime => ("日期时间", "Date and time"),
    KindPhone => ("电话", "Phone"),
    KindEmail => ("邮箱", "E-mail"),
    KindIdNumber => ("身份证号", "ID number"),
    KindRating => ("评分", "Rating"),
    KindYesNo => ("是/否", "Yes/no"),
    KindAttachment => ("附件", "Attachment"),
    KindSignature => ("签名", "Signature"),
    KindLocation => ("位置", "Location"),
    KindRegion => ("地区", "Region"),
    KindComputed => ("计算值", "Computed"),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashSet};

    fn placeholders(text: &str) -> BTreeSet<&str> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else { break };
            found.insert(&after[..end]);
            rest = &after[end + 1..];
        }
        found
    }

    #[test]
    fn every_key_has_non_empty_text_in_both_languages() {
        for &key in Key::ALL {
            let (zh_cn, en) = key.texts();
            assert!(!zh_cn.trim().is_empty(), "{key:?} has no zh-CN text");
            assert!(!en.trim().is_empty(), "{key:?} has no en text");
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        for &key in Key::ALL {
            let (zh_cn, en) = key.texts();
            assert_eq!(placeholders(zh_cn), placeholders(en), "{key:?}");
        }
    }

    #[test]
    fn all_lists_each_key_once() {
        let unique: HashSet<Key> = Key::ALL.iter().copied().collect();
        assert_eq!(unique.len(), Key::ALL.len());
    }

    #[test]
    fn chinese_text_differs_from_english_where_it_should() {
        // Catches a copy-paste of the English text into the Chinese column.
        for &key in Key::ALL {
            let (zh_cn, en) = key.texts();
            let same_on_purpose = matches!(
                key,
                Key::AppName
                    | Key::BrandMark
                    | Key::EmptyIcon
                    | Key::NoUnit
                    | Key::EmptyCell
                    | Key::JsonTitle
                    | Key::DraftSize
            );
            assert_eq!(zh_cn == en, same_on_purpose, "{key:?}");
        }
    }

    #[test]
    fn default_locale_is_chinese_and_toggles() {
        assert_eq!(Locale::default(), Locale::ZhCn);
        assert_eq!(Locale::ZhCn.other(), Locale::En);
        assert_eq!(Locale::En.other().tag(), "zh-CN");
        assert_eq!(Locale::ZhCn.text(Key::Total), "合计");
        assert_eq!(Locale::En.text(Key::Total), "Total");
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        let args = [("line", "3"), ("column", "14")];
        assert_eq!(
            Locale::ZhCn.fill(Key::ProblemPosition, &args),
            "第 3 行，第 14 列"
        );
        assert_eq!(
            Locale::En.fill(Key::ProblemPosition, &args),
            "line 3, column 14"
        );
        assert_eq!(Locale::En.fill(Key::Total, &[("unused", "x")]), "Total");
    }
}
