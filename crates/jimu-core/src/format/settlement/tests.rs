//! The settlement checks on small bundles: what each mistake reports, and where.

use crate::problem::Severity;

const PARTIES: &str = r#""parties":[
        {"id":"hq","name":"总部","kind":"hq"},
        {"id":"agent","name":"代理","kind":"agent","parent":"hq"},
        {"id":"store","name":"门店","kind":"store","parent":"agent","from_order":true},
        {"id":"tech","name":"技师","kind":"technician","from_order":true}]"#;

fn check(settlement: &str) -> Vec<(String, String, Severity)> {
    let json = format!(
        r#"{{"schema_version":2,"currency":"CNY","org":{{"regions":[{{"id":"bj","name":"北京","level":"city"}}]}},"settlement":{{{PARTIES},{settlement}}}}}"#
    );
    crate::validate_bundle(&json)
        .into_iter()
        .map(|p| (p.code.as_str().to_owned(), p.path, p.severity))
        .collect()
}

fn codes(settlement: &str) -> Vec<(String, String)> {
    check(settlement)
        .into_iter()
        .map(|(c, p, _)| (c, p))
        .collect()
}

#[test]
fn a_full_plan_loads() {
    let found = check(
        r#""tier_tables":[{"id":"chain","tiers":[{"up_to":"100000","rate":"0.05"},{"up_to":null,"rate":"0.08"}]}],
               "plans":[{"id":"p","name":"P","when":"order.store_type == 'franchise' and 'promo' in order.tags",
                 "window":{"from":"2026-11-01T00:00:00+08:00","until":"2026-11-12T00:00:00+08:00"},
                 "require_full_allocation":true,"allocation":"to_remainder",
                 "components":[
                   {"kind":"percentage","party":"store","rate":"0.7","id":"store-share"},
                   {"kind":"tiered","party":"agent","tiers":"chain","measure":"period_amount","period":"month"},
                   {"kind":"bonus","party":"tech","when":"order.live_viewers > 10000","amount":"20.00"},
                   {"kind":"region_rate","party":"tech","rates":[{"region":"bj","amount":"80.00"}],"default":"60.00"},
                   {"kind":"cap","party":"tech","amount":"500.00"},
                   {"kind":"floor","party":"tech","amount":"50.00"},
                   {"kind":"remainder","party":"hq"}]}],
               "period_rules":[{"id":"rebate","name":"季度返利","party":"agent","period":"quarter","tiers":"chain","mode":"retroactive",
                 "milestones":[{"at":"5","amount":"500.00","unlocks":["course-pack"]}],"minimum":"0","maximum":"100000",
                 "draw":{"amount":"3000","recovery":"recoverable","recover_over_periods":3}}],
               "refunds":[{"id":"edu","name":"退费","prorate":"remaining_hours","deductions":[{"kind":"promotion"},{"kind":"rate","rate":"0.05"}]}],
               "channels":[{"id":"tmall","name":"天猫","promotion":"deposit_inflation","settle_on":"list","funded_by":"store","plan":"p"}],
               "statements":{"cycle":"day","settle_after_days":1}"#,
    );
    assert_eq!(found, vec![]);
}

#[test]
fn tiers_must_ascend_with_only_the_last_open() {
    let found = codes(
        r#""tier_tables":[
                 {"id":"t","tiers":[{"up_to":"100","rate":"0.1"},{"up_to":"100","rate":"0.2"},{"rate":"0.3"},{"up_to":"50","rate":"1.5"},{"up_to":"500"}]},
                 {"id":"t","tiers":[{"up_to":"0","rate":"0.1"},{"up_to":null,"unit":"2"}]}]"#,
    );
    assert_eq!(
        found,
        vec![
            ("duplicate-id".into(), "/settlement/tier_tables/1/id".into()),
            (
                "tiers-not-ascending".into(),
                "/settlement/tier_tables/0/tiers/1/up_to".into()
            ),
            (
                "tiers-not-ascending".into(),
                "/settlement/tier_tables/0/tiers/2/up_to".into()
            ),
            (
                "tiers-not-ascending".into(),
                "/settlement/tier_tables/0/tiers/3/up_to".into()
            ),
            (
                "invalid-value".into(),
                "/settlement/tier_tables/0/tiers/3/rate".into()
            ),
            (
                "invalid-value".into(),
                "/settlement/tier_tables/0/tiers/4/up_to".into()
            ),
            (
                "missing-field".into(),
                "/settlement/tier_tables/0/tiers/4/rate".into()
            ),
            (
                "tiers-not-ascending".into(),
                "/settlement/tier_tables/1/tiers/0/up_to".into()
            ),
        ]
    );
}

#[test]
fn plans_are_checked() {
    let found = check(
        r#""plans":[
                 {"id":"a","name":"A","require_full_allocation":true,"when":"order.store_typ == 'x'",
                  "window":{"from":"2026-11-12T00:00:00+08:00","until":"2026-11-01T00:00:00+08:00"},
                  "components":[{"kind":"percentage","party":"store","rate":"0.6"},{"kind":"percentage","party":"agnet","rate":"0.3"}]},
                 {"id":"a","name":"B","allocation":"to_remainder",
                  "components":[{"kind":"percentage","party":"store","rate":"0.8","id":"x"},{"kind":"percentage","party":"hq","rate":"0.4","id":"x"},
                    {"kind":"bonus","party":"tech","when":"true","amount":"1","rate":"0.1"},
                    {"kind":"tiered","party":"tech","tiers":"nope","measure":"period_orders"},
                    {"kind":"cap","party":"tech","amount":"10"},{"kind":"floor","party":"tech","amount":"20"}]},
                 {"id":"c","name":"C","require_full_allocation":true,
                  "components":[{"kind":"percentage","party":"store","rate":"1"},{"kind":"fixed","party":"tech","amount":"5"},
                    {"kind":"remainder","party":"hq"},{"kind":"remainder","party":"hq"}]},
                 {"id":"d","name":"D","require_full_allocation":true,
                  "components":[{"kind":"percentage","party":"store","rate":"1"},{"kind":"fixed","party":"tech","amount":"5"}]}]"#,
    );
    let e = Severity::Error;
    assert_eq!(
        found,
        vec![
            ("duplicate-id".into(), "/settlement/plans/1/id".into(), e),
            (
                "unknown-variable".into(),
                "/settlement/plans/0/when".into(),
                e
            ),
            (
                "ends-before-start".into(),
                "/settlement/plans/0/window/until".into(),
                e
            ),
            (
                "unknown-reference".into(),
                "/settlement/plans/0/components/1/party".into(),
                e
            ),
            (
                "weights-not-covering".into(),
                "/settlement/plans/0/components".into(),
                e
            ),
            (
                "duplicate-id".into(),
                "/settlement/plans/1/components/1/id".into(),
                e
            ),
            (
                "invalid-value".into(),
                "/settlement/plans/1/components/2/rate".into(),
                e
            ),
            (
                "unknown-reference".into(),
                "/settlement/plans/1/components/3/tiers".into(),
                e
            ),
            (
                "missing-field".into(),
                "/settlement/plans/1/components/3/period".into(),
                e
            ),
            (
                "invalid-value".into(),
                "/settlement/plans/1/components/5/amount".into(),
                e
            ),
            (
                "invalid-value".into(),
                "/settlement/plans/1/components/5/kind".into(),
                e
            ),
            (
                "invalid-value".into(),
                "/settlement/plans/1/allocation".into(),
                e
            ),
            (
                "weights-not-covering".into(),
                "/settlement/plans/1/components".into(),
                Severity::Warning
            ),
            (
                "invalid-value".into(),
                "/settlement/plans/2/components/3/kind".into(),
                e
            ),
            (
                "weights-not-covering".into(),
                "/settlement/plans/3/components/1".into(),
                e
            ),
        ]
    );
}

#[test]
fn period_rules_refunds_and_channels_are_checked() {
    let found = codes(
        r#""period_rules":[
                 {"id":"r","name":"R","party":"ghost","period":"month"},
                 {"id":"r","name":"R2","party":"agent","period":"quarter","when":"order.amount >",
                  "milestones":[{"at":"5","amount":"100"},{"at":"5"}],"minimum":"100","maximum":"50"}],
               "refunds":[{"id":"x","name":"X","deductions":[{"kind":"rate","rate":"2"}]}],
               "channels":[{"id":"c","name":"C","settle_on":"list","plan":"none"}],
               "statements":{"cycle":"month","calendar":"cal"}"#,
    );
    assert_eq!(
        found,
        vec![
            (
                "unknown-reference".into(),
                "/settlement/period_rules/0/party".into()
            ),
            (
                "missing-field".into(),
                "/settlement/period_rules/0/tiers".into()
            ),
            // No plan has a remainder party to fund the rules by default.
            (
                "missing-field".into(),
                "/settlement/period_rules/0/funded_by".into()
            ),
            (
                "duplicate-id".into(),
                "/settlement/period_rules/1/id".into()
            ),
            (
                "expression-syntax".into(),
                "/settlement/period_rules/1/when".into()
            ),
            (
                "tiers-not-ascending".into(),
                "/settlement/period_rules/1/milestones/1/at".into()
            ),
            (
                "missing-field".into(),
                "/settlement/period_rules/1/milestones/1/amount".into()
            ),
            (
                "invalid-value".into(),
                "/settlement/period_rules/1/maximum".into()
            ),
            (
                "missing-field".into(),
                "/settlement/period_rules/1/funded_by".into()
            ),
            (
                "invalid-value".into(),
                "/settlement/refunds/0/deductions/0/rate".into()
            ),
            (
                "unknown-reference".into(),
                "/settlement/channels/0/plan".into()
            ),
            (
                "missing-field".into(),
                "/settlement/channels/0/funded_by".into()
            ),
            (
                "unknown-reference".into(),
                "/settlement/statements/calendar".into()
            ),
        ]
    );
}
