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
    AppTagline => ("报价规则配置器", "Pricing rules configurator"),
    DocumentTitle => ("积木 Jimu · 配置器", "Jimu · Configurator"),
    /// The language toggle names the language it switches to.
    LangToggle => ("English", "中文"),
    LangToggleTitle => ("切换为英文界面", "Switch the interface to Chinese"),

    EditorTitle => ("价目包 JSON", "Bundle JSON"),
    EditorPlaceholder => (
        "在此粘贴或输入价目包 JSON，也可以打开 .json 文件或加载示例。",
        "Paste or type a bundle JSON here, or open a .json file, or load the example.",
    ),
    EditorLabel => ("价目包 JSON 文本", "Bundle JSON text"),
    LoadExample => ("加载示例", "Load example"),
    OpenFile => ("打开文件…", "Open file…"),
    FormatJson => ("格式化", "Format"),
    FormatJsonTitle => ("按 2 个空格缩进重新排版（保留字段顺序）", "Re-indent with 2 spaces (keeps the field order)"),
    ExportJson => ("导出 JSON", "Export JSON"),
    ExportJsonTitle => ("将当前价目包下载为 .json 文件", "Download the current bundle as a .json file"),
    EditorStats => ("{lines} 行 · {chars} 字符", "{lines} lines · {chars} characters"),
    FileLoaded => ("已载入文件 {name}", "Loaded {name}"),
    FileReadFailed => ("无法读取文件 {name}", "Could not read {name}"),
    ExampleLoaded => ("已加载示例价目包", "Loaded the example bundle"),
    ExportFailed => ("导出失败", "Export failed"),

    ResultTitle => ("检查结果", "Result"),
    StatusEmpty => ("尚未输入", "No bundle yet"),
    StatusValid => ("价目包有效", "Bundle is valid"),
    StatusInvalidBundle => ("价目包无效", "Bundle is invalid"),
    StatusInvalidRequest => ("数量有误", "Quantities are invalid"),
    StatusInvalidQuote => ("无法计算报价", "Cannot compute the quote"),

    ProblemsInBundle => ("价目包中的问题（{count}）", "Problems in the bundle ({count})"),
    ProblemsInRequest => ("数量中的问题（{count}）", "Problems in the quantities ({count})"),
    ProblemsInQuote => ("计算报价时的问题（{count}）", "Problems computing the quote ({count})"),
    ProblemPosition => ("第 {line} 行，第 {column} 列", "line {line}, column {column}"),
    ProblemHint => ("提示", "Hint"),
    ProblemForItem => ("对应项目：{item}", "For item: {item}"),

    /// The (decorative) picture of the empty state.
    EmptyIcon => ("{ }", "{ }"),
    EmptyTitle => ("从一个价目包开始", "Start with a bundle"),
    EmptyBody => (
        "在左侧粘贴价目包 JSON、打开 .json 文件，或点击“加载示例”。价目表和报价会随输入实时更新。",
        "Paste a bundle JSON on the left, open a .json file, or click “Load example”. The catalog and the quote update as you type.",
    ),

    UntitledBundle => ("未命名价目包", "Untitled bundle"),
    BundleSummary => ("币种 {currency} · {count} 个条目", "Currency {currency} · {count} items"),
    CatalogTitle => ("价目表与数量", "Catalog and quantities"),
    CatalogEmpty => ("价目表为空：请在 catalog 中添加条目。", "The catalog is empty: add entries to `catalog`."),
    ColItem => ("项目", "Item"),
    ColId => ("编号", "ID"),
    ColKind => ("类型", "Kind"),
    ColUnit => ("单位", "Unit"),
    ColUnitPrice => ("单价", "Unit price"),
    ColQuantity => ("数量", "Quantity"),
    ColAmount => ("金额", "Amount"),
    KindService => ("服务", "Service"),
    KindPart => ("备件", "Part"),
    NoUnit => ("—", "—"),
    QuantityOf => ("{item} 的数量", "Quantity of {item}"),

    QuoteTitle => ("报价", "Quote"),
    QuoteUnavailable => ("修正上面的问题后即可看到报价。", "Fix the problems above to see the quote."),
    Subtotal => ("小计", "Subtotal"),
    Total => ("合计", "Total"),
    CurrencyLabel => ("币种", "Currency"),

    WarningsHeading => ("警告（{count}）：不影响发布", "Warnings ({count}): they do not stop a publish"),
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
    OpenBundleTitle => ("将 {name} 的最新版本载入编辑器", "Load the newest version of {name} into the editor"),

    PublishTitle => ("发布", "Publish"),
    NameLabel => ("名称", "Name"),
    NamePlaceholder => ("例如 home-services", "e.g. home-services"),
    MessageLabel => ("说明", "Message"),
    MessagePlaceholder => ("改了什么（可选）", "What changed (optional)"),
    PublishButton => ("发布到服务器", "Publish to server"),
    Publishing => ("正在发布…", "Publishing…"),
    BaseNone => ("填写名称后即可发布。", "Enter a name to publish."),
    BaseCreate => ("{name} 将作为新价目包发布为版本 1。", "{name} will be published as a new bundle, version 1."),
    BaseUpdate => ("基于服务器上 {name} 的版本 {version}（{etag}）", "Based on {name} version {version} on the server ({etag})"),
    BaseEdited => ("有未发布的修改", "Unpublished changes"),
    BaseUnchanged => ("与该版本相同", "Same as that version"),

    StashKept => (
        "你之前未发布的文本（{chars} 字符）已另存，没有丢失。",
        "Your earlier unpublished text ({chars} characters) is kept aside; nothing was lost.",
    ),
    StashRestore => ("恢复我的文本", "Restore my text"),
    StashRestoreTitle => (
        "把另存的文本放回编辑器（基准版本不变，发布时会基于它）",
        "Put the kept text back in the editor (the base version stays: a publish builds on it)",
    ),
    StashDownload => ("下载我的文本", "Download my text"),
    StashDiscard => ("丢弃", "Discard"),
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
    RollbackButton => ("回滚到此版本", "Roll back to this"),
    RollbackConfirm => (
        "把版本 {to} 的内容发布为新版本？当前版本会保留在历史中。",
        "Publish version {to}'s content as a new version? The current one stays in the history.",
    ),
    RollbackYes => ("确认回滚", "Roll back"),
    RollbackCancel => ("取消", "Cancel"),
    RollingBack => ("正在回滚…", "Rolling back…"),

    NoticeOpened => ("已打开服务器上的 {name} 版本 {version}", "Opened {name} version {version} from the server"),
    NoticeRestored => ("已恢复你的文本", "Restored your text"),

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

    Footer => (
        "所有计算均在浏览器内由 jimu-core 完成；只有点击“发布到服务器”时，价目包才会发送到同步服务器。",
        "Everything is computed in your browser by jimu-core; a bundle is sent to the sync server only when you publish it.",
    ),
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
                Key::AppName | Key::BrandMark | Key::EmptyIcon | Key::NoUnit | Key::EmptyCell
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
