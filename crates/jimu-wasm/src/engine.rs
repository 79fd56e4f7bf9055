//! `Engine`: one loaded bundle and every engine of the core over it (quotes, forms,
//! settlement, tickets, simulation), and `Ticket`, an opaque handle on a core ticket that
//! commands change in place.

use crate::error::Failure;
use crate::input::{json_text, json_value};
use crate::output::{to_js_value, to_ts};
use crate::types::{
    self, FormEvaluation, FormOptions, Localized, QuoteOutcome, SettleOptions, SettleOutcome,
    SettleReport, SettleSummary, Statement, TicketRecord, TicketState, Timeline, ValidationReport,
};
use jimu_core::forms::{FormRequest, RequestPart};
use jimu_core::settle::{Order, Settler};
use jimu_core::ticket::{self as core_ticket, Command, CommandKind, Script};
use jimu_core::{Bundle, QuoteRequest, Stage};
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// What `onProgress` is called every so many orders by default.
const DEFAULT_EVERY: u32 = 1000;

/// A loaded, validated bundle and the engines over it.
#[wasm_bindgen]
pub struct Engine {
    bundle: Bundle,
}

/// A ticket: state plus its log, changed in place by `Engine.act` and `Engine.tick`.
#[wasm_bindgen]
pub struct Ticket {
    inner: core_ticket::Ticket,
}

#[wasm_bindgen]
impl Ticket {
    /// The ticket's state, without the log.
    pub fn state(&self) -> Result<Ts<TicketState>, JsValue> {
        Ok(to_ts(&TicketState::from(&self.inner))?)
    }

    /// Everything that happened to the ticket, in order.
    #[wasm_bindgen(unchecked_return_type = "Happening[]")]
    pub fn log(&self) -> Result<JsValue, JsValue> {
        Ok(to_js_value(&TicketRecord::from(&self.inner).log)?)
    }
}

fn bundle_failure(problems: Vec<jimu_core::Problem>) -> Failure {
    Failure::from_problems(
        "invalid-bundle",
        ("价目包有误", "the bundle is not valid"),
        problems,
    )
}

/// Options a method cannot read.
fn invalid_options(err: impl std::fmt::Display) -> Failure {
    Failure::single(
        "invalid-options",
        "",
        Localized {
            zh_cn: format!("选项有误：{err}"),
            en: format!("the options are not valid: {err}"),
        },
    )
}

/// Reads a bundle given as JSON text or an object.
fn load(bundle: &JsValue) -> Result<Bundle, Failure> {
    let text = json_text(bundle, "bundle")?;
    Bundle::from_json(&text).map_err(bundle_failure)
}

fn command_failure(problems: Vec<jimu_core::Problem>) -> Failure {
    Failure::from_problems(
        "invalid-command",
        ("命令有误", "the command is not valid"),
        problems,
    )
}

/// One order: an object, or one JSON line.
fn read_order(
    order: &JsValue,
    line: Option<usize>,
) -> Result<Result<Order, Vec<jimu_core::Problem>>, Failure> {
    Ok(json_value(order, "order")?.and_then(|value| Order::from_json(&value, line)))
}

#[wasm_bindgen]
impl Engine {
    /// Loads a bundle (JSON text or an already-parsed object). Throws a `JimuError` (code
    /// `invalid-bundle`) carrying every problem.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | object")] bundle: JsValue,
    ) -> Result<Engine, JsValue> {
        Ok(Self {
            bundle: load(&bundle)?,
        })
    }

    /// Every problem of a bundle (text or object); never throws.
    pub fn validate(
        #[wasm_bindgen(unchecked_param_type = "string | object")] bundle: JsValue,
    ) -> Result<Ts<ValidationReport>, JsValue> {
        let report = match json_text(&bundle, "bundle") {
            Ok(text) => ValidationReport::from(jimu_core::validate_bundle(&text)),
            Err(failure) => ValidationReport {
                ok: false,
                problems: failure.problems,
            },
        };
        Ok(to_ts(&report)?)
    }

    /// The bundle's `name` ("" when it has none).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.bundle.doc().name.clone().unwrap_or_default()
    }

    /// The ISO 4217 code of the bundle's amounts.
    #[wasm_bindgen(getter)]
    pub fn currency(&self) -> String {
        self.bundle.currency().code.to_owned()
    }

    /// The format version the bundle is read as (older versions are migrated on load).
    #[wasm_bindgen(getter, js_name = schemaVersion)]
    pub fn schema_version(&self) -> u32 {
        self.bundle.doc().schema_version
    }

    /// Warnings of the loaded bundle (it loaded, so it has no errors).
    #[wasm_bindgen(unchecked_return_type = "Problem[]")]
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        let warnings: Vec<types::Problem> = self
            .bundle
            .warnings()
            .iter()
            .cloned()
            .map(Into::into)
            .collect();
        Ok(to_js_value(&warnings)?)
    }

    /// Evaluates form `form` for `values` (field id → value), as `options.role` sees it in
    /// `options.context`. Throws a `JimuError` for an unknown form (`unknown-form`) or role
    /// (`unknown-role`, also when the bundle defines no roles), unusable values
    /// (`invalid-values`) or options (`invalid-options`: an option other than `role` and
    /// `context`, a role that is not text, a context key forms do not read, a value that is
    /// not a string, a `now` that is not RFC 3339); problem paths point into the request
    /// `{form, values, role, context}` the options complete (`/context/now`, `/rol`).
    #[wasm_bindgen(js_name = evaluateForm)]
    pub fn evaluate_form(
        &self,
        form: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, JsonValue>")] values: JsValue,
        options: Option<Ts<FormOptions>>,
    ) -> Result<Ts<FormEvaluation>, JsValue> {
        fn invalid(
            code: &'static str,
            what: (&'static str, &'static str),
        ) -> impl Fn(Vec<jimu_core::Problem>) -> Failure {
            move |problems| Failure::from_problems(code, what, problems)
        }
        let values = json_value(&values, "values")?.map_err(invalid(
            "invalid-values",
            ("表单的值有误", "the values are not valid"),
        ))?;
        // One request, `{form, values, role, context}`, read by the core's one reader of form
        // requests (`FormRequest`), as in every host: the options are its `role` and `context`,
        // so an option of the wrong type or an unknown one is a problem at its pointer
        // (`/role`, `/context/now`, `/rol`), never a reading of its own.
        let options_problems = ("选项有误", "the options are not valid");
        let mut request = serde_json::Map::new();
        request.insert(
            "form".to_owned(),
            serde_json::Value::String(form.to_owned()),
        );
        request.insert("values".to_owned(), values);
        if let Some(options) = options {
            match json_value(&options.js_value(), "options")?
                .map_err(invalid("invalid-options", options_problems))?
            {
                serde_json::Value::Object(map) => {
                    for (key, value) in map {
                        // `form` and `values` are arguments of their own, not options.
                        let key = if key == "form" || key == "values" {
                            format!("options.{key}")
                        } else {
                            key
                        };
                        request.insert(key, value);
                    }
                }
                serde_json::Value::Null => {}
                _ => return Err(invalid_options("options must be an object").into()),
            }
        }
        let evaluation = FormRequest::from_value(&self.bundle, &serde_json::Value::Object(request))
            .and_then(|request| request.evaluate(&self.bundle))
            .map_err(|problems| {
                let part = problems.first().and_then(|p| RequestPart::of(&p.path));
                let (code, what) = match part.map(|(part, _)| part) {
                    Some(RequestPart::Form) => ("unknown-form", ("没有这个表单", "unknown form")),
                    Some(RequestPart::Role) => ("unknown-role", ("没有这个角色", "unknown role")),
                    Some(RequestPart::Values) => (
                        "invalid-values",
                        ("表单的值有误", "the values are not valid"),
                    ),
                    // The context, or an option the request does not have.
                    Some(RequestPart::Context) | None => ("invalid-options", options_problems),
                };
                Failure::from_problems(code, what, problems)
            })?;
        Ok(to_ts(&FormEvaluation::from(evaluation))?)
    }

    /// Prices a request (object or JSON text). Problems are in the outcome (`status`
    /// `"invalid"`, `stage` `"request"` or `"quote"`), never thrown.
    pub fn quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QuoteRequest | string")] request: JsValue,
    ) -> Result<Ts<QuoteOutcome>, JsValue> {
        let invalid = |stage, problems| jimu_core::QuoteOutcome::Invalid { stage, problems };
        let outcome = match json_text(&request, "request") {
            Err(failure) => QuoteOutcome::Invalid {
                stage: types::Stage::Request,
                problems: failure.problems,
            },
            Ok(text) => match QuoteRequest::from_json(&text, &self.bundle) {
                Err(problems) => invalid(Stage::Request, problems).into(),
                Ok(request) => match jimu_core::quote(&self.bundle, &request) {
                    Ok(quote) => jimu_core::QuoteOutcome::Quoted { quote }.into(),
                    Err(problems) => invalid(Stage::Quote, problems).into(),
                },
            },
        };
        Ok(to_ts(&outcome)?)
    }

    /// Settles one order (object, or one JSON line) on its own: `{ status: "settled", split }`
    /// or `{ status: "invalid", problems }`.
    #[wasm_bindgen(js_name = settleOrder)]
    pub fn settle_order(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OrderInput | string")] order: JsValue,
    ) -> Result<Ts<SettleOutcome>, JsValue> {
        let mut settler = Settler::new(&self.bundle, false);
        let outcome = match read_order(&order, None)?.and_then(|order| settler.settle(&order)) {
            Ok(split) => SettleOutcome::from(Ok(&split)),
            Err(problems) => SettleOutcome::from(Err(problems.as_slice())),
        };
        Ok(to_ts(&outcome)?)
    }

    /// Settles a batch in order (an array, or JSON Lines text) and closes the period rules:
    /// one outcome per order and the statements. `onProgress(done, total)` is called every
    /// `every` orders (default 1000) and at the end, once with `done === total`.
    #[wasm_bindgen(js_name = settleBatch)]
    pub fn settle_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OrderInput[] | string")] orders: JsValue,
        options: Option<Ts<SettleOptions>>,
    ) -> Result<Ts<SettleReport>, JsValue> {
        // Three options, read off the object as they are (no deserializer of their own: the
        // package's size is budgeted). Absent, `undefined` and `null` are the defaults.
        let option = |key: &str| match &options {
            Some(options) => js_sys::Reflect::get(&options.js_value(), &JsValue::from_str(key))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null()),
            None => None,
        };
        let wrong = |key: &str, zh: &str, en: &str| -> JsValue {
            Failure::single(
                "invalid-options",
                &format!("/{key}"),
                Localized {
                    zh_cn: format!("{key} 应为{zh}"),
                    en: format!("{key} must be {en}"),
                },
            )
            .into()
        };
        let progress = match option("onProgress") {
            None => None,
            Some(f) => Some(
                f.dyn_into::<js_sys::Function>()
                    .map_err(|_| wrong("onProgress", "函数", "a function"))?,
            ),
        };
        let keep_lines = match option("keepLines") {
            None => true,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| wrong("keepLines", "true 或 false", "true or false"))?,
        };
        let every = match option("every") {
            None => DEFAULT_EVERY,
            Some(v) => v
                .as_f64()
                .filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n))
                .map(|n| n as u32)
                .ok_or_else(|| wrong("every", "非负整数", "a whole number from 0"))?,
        };
        let every = u64::from(every.max(1));
        let records = batch(&orders)?;
        let total = records.len() as u64;
        let mut results = Vec::with_capacity(records.len());
        let mut settled = 0;
        let mut thrown: Option<JsValue> = None;
        let mut report = |done: u64| {
            if let (Some(f), None) = (&progress, &thrown)
                && let Err(err) = f.call2(
                    &JsValue::NULL,
                    &(done as f64).into(),
                    &(total as f64).into(),
                )
            {
                thrown = Some(err);
            }
        };
        let statements =
            jimu_core::settle::settle_stream(&self.bundle, records, keep_lines, |n, result| {
                settled += u64::from(result.is_ok());
                results.push(SettleOutcome::from(result));
                if n % every == 0 || n == total {
                    report(n);
                }
            });
        if total == 0 {
            report(0);
        }
        if let Some(err) = thrown {
            return Err(err);
        }
        let report = SettleReport {
            results,
            statements: statements.into_iter().map(Statement::from).collect(),
            summary: SettleSummary {
                orders: total,
                settled,
                invalid: total - settled,
                currency: self.bundle.currency().code.to_owned(),
            },
        };
        Ok(to_ts(&report)?)
    }

    /// Opens a ticket in `flow`: a create command in the script format (`{ at, create: {…} }`).
    /// Throws a `JimuError` with the refusal's code (or `invalid-command`).
    #[wasm_bindgen(js_name = createTicket)]
    pub fn create_ticket(
        &self,
        flow: &str,
        #[wasm_bindgen(unchecked_param_type = "TicketCommand")] command: JsValue,
    ) -> Result<Ticket, JsValue> {
        let command = read_command(&command, Some(flow))?;
        let mut engine = core_ticket::Engine::new(&self.bundle);
        let inner = engine.open(&command).map_err(Failure::refusal)?;
        Ok(Ticket { inner })
    }

    /// Applies one command (script format: act, assign, comment, pause, resume, tick,
    /// acknowledge, arrival, loads) to `ticket` in place and returns what happened. A refusal
    /// throws a `JimuError` (code = the refusal's) and leaves the ticket exactly as it was.
    #[wasm_bindgen(unchecked_return_type = "Happening[]")]
    pub fn act(
        &self,
        ticket: &mut Ticket,
        #[wasm_bindgen(unchecked_param_type = "TicketCommand")] command: JsValue,
    ) -> Result<JsValue, JsValue> {
        let command = read_command(&command, Some(&ticket.inner.flow))?;
        self.apply(ticket, &command)
    }

    /// Fires what fell due up to `at` (RFC 3339) and returns it.
    #[wasm_bindgen(unchecked_return_type = "Happening[]")]
    pub fn tick(&self, ticket: &mut Ticket, at: &str) -> Result<JsValue, JsValue> {
        let command = Command::from_value(&serde_json::json!({"at": at, "tick": true}), None)
            .map_err(command_failure)?;
        self.apply(ticket, &command)
    }

    /// When something next falls due for `ticket` (RFC 3339, UTC), if anything.
    #[wasm_bindgen(js_name = nextDue)]
    pub fn next_due(&self, ticket: &Ticket) -> Option<String> {
        core_ticket::Engine::new(&self.bundle)
            .next_due(&ticket.inner)
            .map(|at| core_ticket::Stamp(at).to_string())
    }

    /// Runs a script (`{ flow, commands, until? }` or its JSON text) and returns the timeline,
    /// the same JSON `jimu simulate --format json` prints. Script problems throw a
    /// `JimuError` (`invalid-script`) with every problem.
    pub fn simulate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Script | string")] script: JsValue,
    ) -> Result<Ts<Timeline>, JsValue> {
        let text = json_text(&script, "script")?;
        let script = Script::from_json(&text).map_err(|problems| {
            Failure::from_problems(
                "invalid-script",
                ("脚本有误", "the script is not valid"),
                problems,
            )
        })?;
        let timeline = core_ticket::simulate(&self.bundle, &script.commands, script.until);
        Ok(to_ts(&Timeline::from(timeline))?)
    }
}

impl Engine {
    fn apply(&self, ticket: &mut Ticket, command: &Command) -> Result<JsValue, JsValue> {
        if matches!(command.kind, CommandKind::Create { .. }) {
            return Err(Failure::single(
                "exists",
                "/create",
                Localized {
                    zh_cn: "工单已经创建；新工单请用 createTicket".to_owned(),
                    en: "the ticket already exists; open a new one with createTicket".to_owned(),
                },
            )
            .into());
        }
        let mut engine = core_ticket::Engine::new(&self.bundle);
        let first = engine
            .apply_to(&mut ticket.inner, command)
            .map_err(Failure::refusal)?;
        let new: Vec<types::Happening> = ticket
            .inner
            .log
            .get(first..)
            .unwrap_or_default()
            .iter()
            .map(Into::into)
            .collect();
        Ok(to_js_value(&new)?)
    }
}

fn read_command(command: &JsValue, flow: Option<&str>) -> Result<Command, Failure> {
    let value = json_value(command, "command")?.map_err(command_failure)?;
    Command::from_value(&value, flow).map_err(command_failure)
}

/// The orders of a batch: an array's elements, or the non-blank lines of JSON Lines text
/// (problems carry the line, from 1).
fn batch(orders: &JsValue) -> Result<Vec<Result<Order, Vec<jimu_core::Problem>>>, Failure> {
    if let Some(text) = orders.as_string() {
        return Ok(text
            .trim_start_matches('\u{feff}')
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| {
                let at = |mut problems: Vec<jimu_core::Problem>| {
                    for p in &mut problems {
                        p.line = Some(i + 1);
                    }
                    problems
                };
                jimu_core::parse_json(line)
                    .map_err(at)
                    .and_then(|value| Order::from_json(&value, Some(i + 1)))
            })
            .collect());
    }
    if !js_sys::Array::is_array(orders) {
        return Err(Failure::single(
            "wrong-type",
            "",
            Localized {
                zh_cn: "订单应为数组或 JSON Lines 文本".to_owned(),
                en: "orders must be an array or JSON Lines text".to_owned(),
            },
        ));
    }
    let value = match json_value(orders, "orders")? {
        Ok(value) => value,
        Err(problems) => {
            return Err(Failure::from_problems(
                "not-json",
                ("订单无法读取", "the orders cannot be read"),
                problems,
            ));
        }
    };
    Ok(match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| Order::from_json(item, None))
            .collect(),
        _ => Vec::new(),
    })
}
