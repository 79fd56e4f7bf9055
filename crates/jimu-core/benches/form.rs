//! One evaluation of a 60-field form with 30 logic rules and 20 validation rules. The goal
//! (issue "forms engine") is under 50 µs natively; see BENCHMARKS.md.
//!
//! The form is an appliance-repair ticket in four sections (customer, job, price, feedback):
//! text, long text, number, money, single and multi select, yes/no, phone, e-mail, date,
//! date-time, rating and computed fields. Logic: 10 `visible_if`, 6 `required_if`,
//! 3 `enabled_if`, 3 `set_value_if` and 8 computed formulas (a chain: overtime → subtotal →
//! total → tax, balance). Validation: 20 rules — 5 ranges, 5 lengths, 3 presets and a regex,
//! 3 option lists and 3 custom expressions — besides the kinds' own checks (`required`, the
//! phone and e-mail presets, ratings 1–5). Three routes pick the flow. The bench counts all of
//! this in the generated JSON, and checks the evaluation before timing it.

use criterion::{Criterion, criterion_group, criterion_main};
use jimu_core::Bundle;
use jimu_core::forms::{FormEvaluation, evaluate};
use serde_json::{Value, json};
use std::hint::black_box;

fn choices(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "label": id.to_uppercase()}))
            .collect(),
    )
}

/// A field: id, kind, label, then any further settings.
fn field(id: &str, kind: &str, label: &str, extra: Value) -> Value {
    let mut field = json!({"id": id, "kind": kind, "label": label});
    if let (Some(field), Value::Object(extra)) = (field.as_object_mut(), extra) {
        field.extend(extra);
    }
    field
}

fn fields() -> Vec<Value> {
    let none = || json!({});
    vec![
        // Customer.
        field(
            "customer_name",
            "text",
            "客户姓名",
            json!({"required": true,
            "validation": [{"rule": "length", "min": 2, "max": 20}]}),
        ),
        field(
            "mobile",
            "phone",
            "手机",
            json!({"required": true,
            "permissions": [{"roles": ["sales"], "access": "masked", "mask": {"pattern": "phone"}}]}),
        ),
        field(
            "has_backup",
            "yes_no",
            "备用电话",
            json!({"default": false}),
        ),
        field(
            "backup_phone",
            "phone",
            "备用手机",
            json!({"visible_if": "has_backup"}),
        ),
        field(
            "office_phone",
            "text",
            "座机",
            json!({
            "validation": [{"rule": "pattern", "preset": "mainland_landline"}]}),
        ),
        field(
            "email",
            "email",
            "邮箱",
            json!({"required_if": "invoice_needed"}),
        ),
        field(
            "id_number",
            "text",
            "身份证号",
            json!({
            "validation": [{"rule": "pattern", "preset": "id_number"}],
            "permissions": [{"roles": ["sales"], "access": "masked", "mask": {"pattern": "id_number"}}]}),
        ),
        field(
            "postal_code",
            "text",
            "邮编",
            json!({
            "validation": [{"rule": "pattern", "preset": "postal_code"}]}),
        ),
        field("address", "text", "地址", json!({"required": true})),
        field(
            "tier",
            "single_select",
            "会员等级",
            json!({
            "options": choices(&["normal", "vip", "svip"]), "default": "normal",
            "validation": [{"rule": "options"}]}),
        ),
        field(
            "is_vip",
            "computed",
            "VIP",
            json!({
            "formula": "tier == 'vip' or tier == 'svip'", "value_type": "bool"}),
        ),
        field(
            "customer_type",
            "single_select",
            "客户类型",
            json!({
            "options": choices(&["personal", "business"]), "validation": [{"rule": "options"}]}),
        ),
        field(
            "company",
            "text",
            "公司",
            json!({"visible_if": "customer_type == 'business'"}),
        ),
        field(
            "consent",
            "yes_no",
            "同意接收促销信息",
            json!({"default": false}),
        ),
        field(
            "coupon",
            "single_select",
            "优惠券",
            json!({
            "options": choices(&["c10", "c20"]), "visible_if": "consent", "enabled_if": "consent",
            "set_value_if": [{"when": "consent and tier == 'svip'", "value": "'c20'"}]}),
        ),
        field(
            "channel",
            "single_select",
            "渠道",
            json!({
            "options": choices(&["app", "mini-program", "phone", "store"])}),
        ),
        field("promo_code", "text", "推广码", none()),
        // Job.
        field(
            "ticket_type",
            "single_select",
            "工单类型",
            json!({"required": true,
            "options": choices(&["install", "repair", "maintenance"])}),
        ),
        field(
            "urgency",
            "single_select",
            "紧急程度",
            json!({
            "options": choices(&["low", "normal", "high"]), "default": "normal",
            "set_value_if": [{"when": "tier == 'svip' or (ticket_type == 'repair' and not warranty)",
                              "value": "'high'"}]}),
        ),
        field(
            "brand",
            "single_select",
            "品牌",
            json!({
            "options": choices(&["gree", "midea", "haier"]), "validation": [{"rule": "options"}]}),
        ),
        field(
            "model",
            "text",
            "型号",
            json!({"required_if": "ticket_type == 'repair'",
            "validation": [{"rule": "length", "min": 3, "max": 30}]}),
        ),
        field(
            "serial_no",
            "text",
            "序列号",
            json!({"visible_if": "ticket_type != 'install'",
            "validation": [{"rule": "pattern", "regex": "[A-Z0-9]{8,20}"}]}),
        ),
        field(
            "fault",
            "long_text",
            "故障描述",
            json!({
            "visible_if": "ticket_type == 'repair'", "required_if": "ticket_type == 'repair'",
            "validation": [{"rule": "length", "min": 5}]}),
        ),
        field(
            "units",
            "number",
            "台数",
            json!({"required": true,
            "validation": [{"rule": "range", "min": "1", "max": "20"}]}),
        ),
        field(
            "area_m2",
            "number",
            "面积",
            json!({"visible_if": "ticket_type == 'install'",
            "validation": [{"rule": "range", "min": "1", "max": "2000"}]}),
        ),
        field(
            "floor",
            "number",
            "楼层",
            json!({
            "validation": [{"rule": "range", "min": "-3", "max": "100", "severity": "warning"}]}),
        ),
        field("has_elevator", "yes_no", "有电梯", none()),
        field(
            "distance_km",
            "number",
            "距离",
            json!({"decimals": 1,
            "validation": [{"rule": "range", "min": "0", "max": "200"}]}),
        ),
        field(
            "duration_hours",
            "number",
            "工时",
            json!({
            "validation": [{"rule": "expression",
                "expr": "value <= 12 or ticket_type == 'maintenance'",
                "message": {"zh-CN": "单次维修不超过 12 小时", "en": "a repair takes at most 12 hours"}}]}),
        ),
        field(
            "overtime_hours",
            "computed",
            "超时工时",
            json!({
            "formula": "duration_hours > 2 ? duration_hours - 2 : 0"}),
        ),
        field(
            "needs_parts",
            "yes_no",
            "需要备件",
            json!({"default": false}),
        ),
        field(
            "parts",
            "multi_select",
            "备件",
            json!({
            "options": choices(&["capacitor", "fan_motor", "compressor", "refrigerant", "filter"]),
            "visible_if": "needs_parts", "required_if": "needs_parts",
            "validation": [{"rule": "length", "max": 5}]}),
        ),
        field(
            "parts_cost",
            "money",
            "备件费",
            json!({"visible_if": "needs_parts",
            "validation": [{"rule": "range", "min": "0", "max": "10000"}],
            "permissions": [{"roles": ["sales"], "access": "hidden"}]}),
        ),
        field("warranty", "yes_no", "在保", json!({"default": false})),
        field(
            "warranty_no",
            "text",
            "保修卡号",
            json!({
            "required_if": "warranty", "enabled_if": "warranty"}),
        ),
        field(
            "visit_date",
            "date",
            "上门日期",
            json!({"required": true,
            "validation": [{"rule": "expression", "expr": "d(value) >= d('2026-01-01')",
                "message": {"zh-CN": "日期不能早于 2026 年", "en": "no date before 2026"}}]}),
        ),
        field(
            "visit_slot",
            "single_select",
            "时段",
            json!({
            "options": choices(&["morning", "afternoon", "evening"])}),
        ),
        field("arrived_at", "date_time", "到达时间", none()),
        field("weekend", "yes_no", "周末上门", none()),
        // Price.
        field(
            "unit_price",
            "money",
            "单价",
            json!({"required": true, "min": "0"}),
        ),
        field("labour_fee", "money", "人工费", json!({"default": "0"})),
        field(
            "call_out_fee",
            "computed",
            "上门费",
            json!({"value_type": "money",
            "formula": "distance_km <= 3 ? 30 : 30 + ceil(distance_km - 3) * 5"}),
        ),
        field(
            "subtotal",
            "computed",
            "小计",
            json!({"value_type": "money", "formula":
            "unit_price * units + labour_fee + overtime_hours * 40 + (needs_parts ? parts_cost : 0)"}),
        ),
        field(
            "discount_amount",
            "money",
            "优惠",
            json!({"enabled_if": "tier != 'normal'",
            "set_value_if": [{"when": "tier == 'normal'", "value": "0"}],
            "validation": [{"rule": "expression", "expr": "value <= subtotal",
                "message": {"zh-CN": "优惠不能超过小计", "en": "the discount exceeds the subtotal"}}]}),
        ),
        field(
            "total",
            "computed",
            "合计",
            json!({"value_type": "money",
            "formula": "subtotal + call_out_fee - discount_amount"}),
        ),
        field(
            "tax",
            "computed",
            "税额",
            json!({"value_type": "money", "decimals": 2,
            "formula": "total * 0.06"}),
        ),
        field("deposit", "money", "定金", json!({"default": "0"})),
        field(
            "balance",
            "computed",
            "尾款",
            json!({"value_type": "money",
            "formula": "total - deposit"}),
        ),
        field(
            "payment_method",
            "single_select",
            "支付方式",
            json!({
            "options": choices(&["cash", "wechat", "alipay", "card"])}),
        ),
        field(
            "invoice_needed",
            "yes_no",
            "需要发票",
            json!({"default": false}),
        ),
        field(
            "invoice_title",
            "text",
            "发票抬头",
            json!({
            "visible_if": "invoice_needed", "required_if": "invoice_needed"}),
        ),
        field("tax_id", "text", "税号", none()),
        // Feedback.
        field(
            "service_rating",
            "rating",
            "服务评分",
            json!({"default": 5}),
        ),
        field(
            "technician_rating",
            "rating",
            "师傅评分",
            json!({"default": 5}),
        ),
        field(
            "avg_rating",
            "computed",
            "综合评分",
            json!({"decimals": 1,
            "formula": "(service_rating + technician_rating) / 2"}),
        ),
        field(
            "feedback",
            "long_text",
            "意见",
            json!({"visible_if": "avg_rating < 3"}),
        ),
        field("follow_up", "yes_no", "回访", none()),
        field("follow_up_date", "date", "回访日期", none()),
        field("staff_mobile", "phone", "师傅手机", none()),
        field(
            "remark",
            "long_text",
            "备注",
            json!({
            "validation": [{"rule": "length", "max": 500}]}),
        ),
    ]
}

fn flow(id: &str) -> Value {
    json!({"id": id, "name": id, "nodes": [
        {"id": "start", "name": "开始", "kind": "start", "next": "end"},
        {"id": "end", "name": "结束", "kind": "end"}]})
}

fn bundle_json() -> Value {
    let fields = fields();
    let ids = |range: std::ops::Range<usize>| -> Vec<Value> {
        fields
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|f| f["id"].clone())
            .collect()
    };
    let sections = json!([
        {"id": "customer", "title": "客户", "fields": ids(0..17)},
        {"id": "job", "title": "工单", "fields": ids(17..39)},
        {"id": "price", "title": "费用", "fields": ids(39..52)},
        {"id": "feedback", "title": "评价", "fields": ids(52..60)},
    ]);
    json!({
        "schema_version": 2,
        "name": "form-bench",
        "currency": "CNY",
        "time_zone": "Asia/Shanghai",
        "org": {"roles": [{"id": "cs", "name": "客服"}, {"id": "sales", "name": "销售"}]},
        "forms": [{
            "id": "repair-ticket",
            "name": {"zh-CN": "维修工单", "en": "Repair ticket"},
            "fields": fields,
            "sections": sections,
            "routes": [
                {"when": "ticket_type == 'repair' and needs_parts", "flow": "repair-with-parts"},
                {"when": "ticket_type == 'repair'", "flow": "repair"},
                {"when": "ticket_type == 'install'", "flow": "install"},
            ],
            "default_flow": "maintenance",
        }],
        "flows": [flow("repair-with-parts"), flow("repair"), flow("install"), flow("maintenance")],
    })
}

/// A repair ticket as a customer-service agent fills it in.
fn values() -> Value {
    serde_json::from_str(
        r#"{
        "customer_name": "王建国", "mobile": "13812345678", "has_backup": false,
        "office_phone": "010-62345678", "email": "wang@example.com",
        "id_number": "11010519491231002X", "postal_code": "100020",
        "address": "北京市朝阳区建国路 88 号", "tier": "vip", "customer_type": "personal",
        "consent": true, "coupon": "c10", "channel": "mini-program", "promo_code": "D11-2026",
        "ticket_type": "repair", "brand": "gree", "model": "KFR-35GW",
        "serial_no": "GR2026110800123", "fault": "空调不制冷，外机不转", "units": "2",
        "floor": "12", "has_elevator": true, "distance_km": "7.4", "duration_hours": "3.5",
        "needs_parts": true, "parts": ["capacitor", "fan_motor"], "parts_cost": "260.00",
        "warranty": false, "visit_date": "2026-11-12", "visit_slot": "morning",
        "arrived_at": "2026-11-12T09:40:00+08:00", "weekend": false,
        "unit_price": "150.00", "labour_fee": "80.00", "discount_amount": "30.00",
        "deposit": "100.00", "payment_method": "wechat", "invoice_needed": true,
        "invoice_title": "王建国", "tax_id": "", "service_rating": 5, "technician_rating": 4,
        "follow_up": true, "follow_up_date": "2026-11-19", "staff_mobile": "13987654321",
        "remark": "客户要求上午上门，小区需登记"
    }"#,
    )
    .expect("the values are JSON")
}

fn context() -> Value {
    json!({"channel": "mini-program", "region": "bj-chaoyang",
           "now": "2026-11-12T09:00:00+08:00", "user": "agent-1001"})
}

/// The form has the size the goal names: 60 fields, 30 logic rules, 20 validation rules.
fn count(bundle: &Value) {
    let fields = bundle["forms"][0]["fields"].as_array().expect("fields");
    let has = |f: &Value, key: &str| usize::from(f.get(key).is_some());
    let logic: usize = fields
        .iter()
        .map(|f| {
            has(f, "visible_if")
                + has(f, "required_if")
                + has(f, "enabled_if")
                + has(f, "formula")
                + f.get("set_value_if")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
        })
        .sum();
    let validation: usize = fields
        .iter()
        .map(|f| {
            f.get("validation")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    assert_eq!((fields.len(), logic, validation), (60, 30, 20));
}

fn value<'e>(
    evaluation: &'e FormEvaluation,
    id: &str,
) -> (Option<&'e Value>, Option<&'static str>) {
    let state = evaluation
        .fields
        .iter()
        .find(|f| f.id == id)
        .expect("a field");
    (state.value.as_ref(), state.source)
}

/// What the agent and the salesperson must see, checked before anything is timed.
fn check(bundle: &Bundle, values: &Value, context: &Value) {
    let ev = evaluate(bundle, "repair-ticket", values, Some("cs"), context).expect("evaluates");
    assert!(ev.valid, "{:#?}", ev.errors);
    assert_eq!(ev.warnings, []);
    assert_eq!(ev.route.as_deref(), Some("repair-with-parts"));
    // Hidden: the backup phone, the company, the install area and the feedback (4.5 stars).
    let hidden: Vec<&str> = ev
        .fields
        .iter()
        .filter(|f| !f.visible)
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(hidden, ["backup_phone", "company", "area_m2", "feedback"]);
    assert_eq!(
        ev.values.len(),
        54,
        "56 visible fields, two of them (tax_id, warranty_no) empty"
    );
    // Repair, not under warranty: urgent. 7.4 km → 30 + 5 × 5 = 55. Overtime 1.5 h × 40 = 60;
    // 150 × 2 + 80 + 60 + 260 = 700; 700 + 55 − 30 = 725; tax 43.50; balance 625.
    assert_eq!(
        value(&ev, "urgency"),
        (Some(&json!("high")), Some("set_value_if"))
    );
    assert_eq!(value(&ev, "is_vip"), (Some(&json!(true)), Some("computed")));
    assert_eq!(
        value(&ev, "overtime_hours"),
        (Some(&json!("1.5")), Some("computed"))
    );
    assert_eq!(
        value(&ev, "call_out_fee"),
        (Some(&json!("55.00")), Some("computed"))
    );
    assert_eq!(
        value(&ev, "subtotal"),
        (Some(&json!("700.00")), Some("computed"))
    );
    assert_eq!(
        value(&ev, "total"),
        (Some(&json!("725.00")), Some("computed"))
    );
    assert_eq!(value(&ev, "tax"), (Some(&json!("43.50")), Some("computed")));
    assert_eq!(
        value(&ev, "balance"),
        (Some(&json!("625.00")), Some("computed"))
    );
    assert_eq!(
        value(&ev, "avg_rating"),
        (Some(&json!("4.5")), Some("computed"))
    );
    assert_eq!(value(&ev, "coupon"), (Some(&json!("c10")), None));

    let sales =
        evaluate(bundle, "repair-ticket", values, Some("sales"), context).expect("evaluates");
    assert!(sales.valid, "{:#?}", sales.errors);
    assert_eq!(sales.values.get("mobile"), Some(&json!("138****5678")));
    assert_eq!(
        sales.values.get("id_number"),
        Some(&json!("**************002X"))
    );
    assert!(!sales.values.contains_key("parts_cost"));
    assert_eq!(sales.values.get("total"), Some(&json!("725.00")));
}

fn bench(c: &mut Criterion) {
    let document = bundle_json();
    count(&document);
    let bundle = Bundle::from_json(&document.to_string())
        .unwrap_or_else(|problems| panic!("the bench bundle is valid: {problems:#?}"));
    let (values, context) = (values(), context());
    check(&bundle, &values, &context);

    let mut group = c.benchmark_group("form");
    group.bench_function("evaluate_60_fields", |b| {
        b.iter(|| {
            evaluate(
                black_box(&bundle),
                "repair-ticket",
                black_box(&values),
                Some("cs"),
                black_box(&context),
            )
        })
    });
    group.bench_function("evaluate_60_fields_masked", |b| {
        b.iter(|| {
            evaluate(
                black_box(&bundle),
                "repair-ticket",
                black_box(&values),
                Some("sales"),
                black_box(&context),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
