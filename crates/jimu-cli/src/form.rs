//! `jimu form`: one form of a bundle evaluated for some values, a role and a context — each field's state, the errors and warnings, and the route.
//!
//! The request is read by `jimu_core::forms::FormRequest` (the rules every host shares: the
//! form, the role, the values, the context keys) and evaluated by the core; this module reads
//! the files, reports each refused part in the file it came from, and prints the outcome for a
//! person or as JSON.

use crate::{
    Format, Lang, LangArg, exit_for, heading, label, pick, print_json, print_problems, read,
};
use anyhow::Context as _;
use clap::Args;
use jimu_core::forms::{FieldIssue, FieldState, FormEvaluation, FormRequest, RequestPart};
use jimu_core::{Bundle, Localized, Problem};
use serde::Serialize;
use serde_json::Value;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Evaluate a form of a bundle for some values: each field's state, the errors and the route.
///
/// VALUES is a JSON object of field id → value (`{"complaint_type": "service", "phone":
/// "13812345678"}`); `-` reads stdin. Numbers and amounts may be JSON strings ("12.50") or
/// numbers. With `--role`, the role's permissions apply: hidden fields are left out and masked
/// fields are only ever printed masked; a role the bundle does not define is refused. `--context`
/// is a JSON object, given inline or as a file (`-` for stdin), with any of `channel`, `region`,
/// `now` (RFC 3339 with an offset) and `user`, all strings (`null` is left out).
///
/// Exit code: 0 when the form is valid (warnings allowed), 1 when it has errors or the bundle,
/// form, role, values or context are not usable, 2 when a file cannot be read.
///
/// Output (`--format`):
///
/// text (default): the visible fields (label, id, value as the role sees it, flags), the hidden
/// fields by id, the errors and warnings in the reader's language, and the route.
///
/// json: the evaluation, {"form", "role", "valid", "fields": [...], "values": {...},
/// "errors": [...], "warnings": [...], "route"}. When the inputs are refused: {"valid": false,
/// "stage": "bundle"|"role"|"values"|"context"|"form", "file", "problems": [...]}, each problem's
/// JSON pointer `path` pointing into `file`.
#[derive(Args)]
#[command(
    verbatim_doc_comment,
    about = "Evaluate a form for some values: field states, errors and the route",
    after_long_help = "\
Examples:
  echo '{\"deal_amount\": \"1200.00\", \"cost\": \"700.00\", \"phone\": \"13812345678\"}' > values.json
  jimu form tests/bundles/valid/form-permissions.json deal values.json --role finance
      # margin computed (500.00), the phone masked as 138****5678
  jimu form tests/bundles/valid/form-complaint-routing.json complaint values.json \\
    --context '{\"channel\": \"app\", \"now\": \"2026-11-16T09:00:00+08:00\"}' --format json"
)]
pub struct FormArgs {
    /// The bundle that defines the form.
    bundle: PathBuf,
    /// The form's id.
    form: String,
    /// The values: a JSON file holding an object of field id → value, or `-` for stdin.
    values: PathBuf,
    /// The role of the person filling in the form (an id of the bundle's `org.roles`).
    #[arg(long)]
    role: Option<String>,
    /// The context: a JSON object (`{"channel":"app"}`) or a file holding one (`-`: stdin).
    #[arg(long, value_name = "FILE_OR_JSON")]
    context: Option<String>,
    /// What to write: text (for a person) or json (see above).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    lang: LangArg,
}

/// The widest value the text table shows; longer ones end in `…`.
const VALUE_WIDTH: usize = 40;

/// An input read as text, and the name problems in it are reported under.
struct Input {
    file: PathBuf,
    text: String,
}

pub fn run(args: FormArgs) -> anyhow::Result<ExitCode> {
    let lang = args.lang.resolve()?;
    let stdin = Path::new("-");
    if args.values == stdin && args.context.as_deref().map(str::trim) == Some("-") {
        anyhow::bail!("VALUES and --context cannot both be read from stdin");
    }
    // IO first: a file that cannot be read is exit code 2 whatever else is wrong.
    let bundle_text = read(&args.bundle)?;
    let values = read_input(&args.values)?;
    let context = args.context.as_deref().map(read_context_arg).transpose()?;

    let report = Report {
        format: args.format,
        lang,
    };
    let bundle = match Bundle::from_json(&bundle_text) {
        Ok(bundle) => bundle,
        Err(problems) => return report.refused("bundle", &args.bundle, &problems),
    };
    let values_json = match jimu_core::parse_json(&values.text) {
        Ok(json) => json,
        Err(problems) => return report.refused("values", &values.file, &problems),
    };
    let context_json = match &context {
        None => None,
        Some(input) => match jimu_core::parse_json(&input.text) {
            Ok(json) => Some(json),
            Err(problems) => return report.refused("context", &input.file, &problems),
        },
    };
    // The request's rules are jimu-core's (`FormRequest`), as in every host; its problems point
    // into the request, and each is reported in the file its part came from.
    let request = match FormRequest::from_parts(
        &bundle,
        &args.form,
        &values_json,
        args.role.as_deref(),
        context_json.as_ref(),
    ) {
        Ok(request) => request,
        Err(problems) => {
            let part = problems
                .first()
                .and_then(|p| RequestPart::of(&p.path))
                .map_or(RequestPart::Values, |(part, _)| part);
            let (stage, file) = match (part, &context) {
                (RequestPart::Form, _) => ("form", args.bundle.as_path()),
                (RequestPart::Role, _) => ("role", args.bundle.as_path()),
                (RequestPart::Context, Some(input)) => ("context", input.file.as_path()),
                _ => ("values", values.file.as_path()),
            };
            let in_file: Vec<Problem> = problems
                .into_iter()
                .filter_map(|mut problem| {
                    let (of, inside) = RequestPart::of(&problem.path)?;
                    if of != part {
                        return None;
                    }
                    // A form or role the bundle lacks is located where the bundle lists them.
                    problem.path = match part {
                        RequestPart::Form => "/forms".to_owned(),
                        RequestPart::Role => "/org/roles".to_owned(),
                        RequestPart::Values | RequestPart::Context => inside.to_owned(),
                    };
                    Some(problem)
                })
                .collect();
            return report.refused(stage, file, &in_file);
        }
    };
    let evaluation = match request.evaluate(&bundle) {
        Ok(evaluation) => evaluation,
        Err(problems) => return report.refused("form", &args.bundle, &problems),
    };
    match args.format {
        Format::Json => print_json(&evaluation)?,
        Format::Text => print_evaluation(&bundle, &evaluation, lang),
    }
    Ok(exit_for(evaluation.valid))
}

/// A file, or stdin for `-`.
fn read_input(path: &Path) -> anyhow::Result<Input> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        return Ok(Input {
            file: PathBuf::from("<stdin>"),
            text,
        });
    }
    Ok(Input {
        file: path.to_owned(),
        text: read(path)?,
    })
}

/// `--context`: JSON when it starts with `{` or `[`, otherwise a file name (`-`: stdin).
fn read_context_arg(arg: &str) -> anyhow::Result<Input> {
    if arg.trim_start().starts_with(['{', '[']) {
        return Ok(Input {
            file: PathBuf::from("--context"),
            text: arg.to_owned(),
        });
    }
    read_input(Path::new(arg))
}

/// How refused inputs are reported.
struct Report {
    format: Format,
    lang: Lang,
}

/// `--format json` when the inputs are refused.
#[derive(Serialize)]
struct Refused<'a> {
    valid: bool,
    stage: &'a str,
    file: String,
    problems: &'a [Problem],
}

impl Report {
    fn refused(&self, stage: &str, file: &Path, problems: &[Problem]) -> anyhow::Result<ExitCode> {
        match self.format {
            Format::Json => print_json(&Refused {
                valid: false,
                stage,
                file: file.display().to_string(),
                problems,
            })?,
            Format::Text => print_problems(file, problems, self.lang),
        }
        Ok(ExitCode::FAILURE)
    }
}

/// `名称（id）`, `Name (id)`.
fn named(name: Option<&Localized>, id: &str, lang: Lang) -> String {
    match (name, lang) {
        (None, _) => id.to_owned(),
        (Some(name), Lang::Zh) => format!("{}（{id}）", name.zh_cn),
        (Some(name), _) => format!("{} ({id})", pick(name, lang)),
    }
}

/// The evaluation as a person reads it: the form and role, a table of the visible fields, the
/// hidden ones by id, errors and warnings, the route, and whether the form can be submitted.
fn print_evaluation(bundle: &Bundle, evaluation: &FormEvaluation, lang: Lang) {
    let doc = bundle.doc();
    let form_name = doc
        .forms
        .iter()
        .find(|f| f.id.as_str() == evaluation.form)
        .map(|f| f.name.localized());
    let mut head = format!(
        "{}{}",
        label("表单", "Form", lang),
        named(form_name.as_ref(), &evaluation.form, lang)
    );
    if let Some(role) = &evaluation.role {
        let role_name = doc
            .org
            .roles
            .iter()
            .find(|r| r.id.as_str() == role)
            .map(|r| r.name.localized());
        head.push_str(&format!(
            "  ·  {}{}",
            label("角色", "Role", lang),
            named(role_name.as_ref(), role, lang)
        ));
    }
    println!("{head}");

    let rows: Vec<[String; 4]> = evaluation
        .fields
        .iter()
        .filter(|f| f.visible)
        .map(|f| {
            [
                pick(&f.label, lang),
                f.id.clone(),
                clip(&shown_value(f, lang), VALUE_WIDTH),
                flags(f, lang),
            ]
        })
        .collect();
    print!("{}", table(&rows));

    let hidden: Vec<&str> = evaluation
        .fields
        .iter()
        .filter(|f| !f.visible)
        .map(|f| f.id.as_str())
        .collect();
    if !hidden.is_empty() {
        let separator = if lang == Lang::Zh { "、" } else { ", " };
        println!(
            "{}{}",
            label("隐藏", "Hidden", lang),
            hidden.join(separator)
        );
    }

    for (issues, zh, en) in [
        (&evaluation.errors, "错误", "Errors"),
        (&evaluation.warnings, "警告", "Warnings"),
    ] {
        if issues.is_empty() {
            continue;
        }
        println!("{}", label(zh, en, lang).trim_end());
        for found in issues {
            print_issue(found, &evaluation.fields, lang);
        }
    }

    if let Some(flow) = &evaluation.route {
        let flow_name = doc
            .flows
            .iter()
            .find(|f| f.id.as_str() == flow)
            .map(|f| f.name.localized());
        let name = match (&flow_name, lang) {
            (None, _) => String::new(),
            (Some(name), Lang::Zh) => format!("（{}）", name.zh_cn),
            (Some(name), _) => format!(" ({})", pick(name, lang)),
        };
        println!("→ {}{flow}{name}", label("流程", "flow", lang));
    }

    let (errors, warnings) = (evaluation.errors.len(), evaluation.warnings.len());
    let zh = match (errors, warnings) {
        (0, 0) => "可以提交".to_owned(),
        (0, w) => format!("可以提交（{w} 个警告）"),
        (e, 0) => format!("不能提交：{e} 个错误"),
        (e, w) => format!("不能提交：{e} 个错误，{w} 个警告"),
    };
    let en = match (errors, warnings) {
        (0, 0) => "valid".to_owned(),
        (0, w) => format!("valid ({w} warning(s))"),
        (e, 0) => format!("invalid: {e} error(s)"),
        (e, w) => format!("invalid: {e} error(s), {w} warning(s)"),
    };
    println!("{}", heading(&zh, &en, lang));
}

/// One error or warning: the field (label and id), the rule, the message and any hint.
fn print_issue(found: &FieldIssue, fields: &[FieldState], lang: Lang) {
    let label = fields
        .iter()
        .find(|f| f.id == found.field)
        .map(|f| &f.label);
    let who = if found.field.is_empty() {
        heading("表单", "form", lang)
    } else {
        named(label, &found.field, lang)
    };
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    println!(
        "  {who} [{}]{colon}{}",
        found.rule,
        pick(&found.message, lang)
    );
    if let Some(hint) = &found.hint {
        match lang {
            Lang::En => println!("      hint: {}", hint.en),
            Lang::Zh => println!("      提示：{}", hint.zh_cn),
            Lang::Both => println!("      hint: {} / 提示：{}", hint.en, hint.zh_cn),
        }
    }
}

/// The value as the role sees it: masked when masked, `—` when empty.
fn shown_value(field: &FieldState, lang: Lang) -> String {
    if let Some(masked) = &field.masked {
        return masked.clone();
    }
    match &field.value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(value) => text_of(value, lang),
    }
}

fn text_of(value: &Value, lang: Lang) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => heading("是", "yes", lang),
        Value::Bool(false) => heading("否", "no", lang),
        Value::Array(items) if items.iter().all(|v| v.is_string() || v.is_number()) => items
            .iter()
            .map(|v| text_of(v, lang))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The field's state beyond its value: required, read-only, masked, disabled, and where the
/// value came from.
fn flags(field: &FieldState, lang: Lang) -> String {
    let mut flags = Vec::new();
    if field.required {
        flags.push(heading("必填", "required", lang));
    }
    match field.access {
        "read_only" => flags.push(heading("只读", "read-only", lang)),
        "masked" => flags.push(heading("脱敏", "masked", lang)),
        _ => {}
    }
    if !field.enabled && field.access == "editable" && field.kind != "computed" {
        flags.push(heading("不可编辑", "disabled", lang));
    }
    match field.source {
        Some("computed") => flags.push(heading("计算", "computed", lang)),
        Some("set_value_if") => flags.push(heading("条件赋值", "set", lang)),
        Some("override") => flags.push(heading("手工覆盖", "override", lang)),
        Some(other) => flags.push(other.to_owned()),
        None => {}
    }
    flags.join(if lang == Lang::Zh { "、" } else { ", " })
}

/// Columns in a terminal: CJK characters take two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if c >= '\u{1100}' { 2 } else { 1 })
        .sum()
}

/// One line, at most `max` columns wide (`…` marks the cut).
fn clip(text: &str, max: usize) -> String {
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&line) <= max {
        return line;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Rows indented by two, columns padded to their widest cell; trailing spaces trimmed.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::from(" ");
        for (cell, w) in row.iter().zip(widths) {
            line.push(' ');
            line.push_str(cell);
            line.push_str(&" ".repeat(w - width(cell)));
            line.push(' ');
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}
