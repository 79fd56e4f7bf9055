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

    Footer => (
        "所有计算均在浏览器内由 jimu-core 完成，数据不会上传。",
        "Everything is computed in your browser by jimu-core; nothing is uploaded.",
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
                Key::AppName | Key::BrandMark | Key::EmptyIcon | Key::NoUnit
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
