//! The flow checks on small bundles: what each mistake reports, and where. `bundle` and
//! `check` serve the form checks' tests too.

use crate::problem::Severity;

/// A bundle with a small organisation and calendar around the given sections.
pub(crate) fn bundle(sections: &str) -> String {
    format!(
        r#"{{"schema_version":2,"currency":"CNY","time_zone":"Asia/Shanghai",
            "org":{{
              "roles":[{{"id":"engineer","name":"工程师"}},{{"id":"regional_manager","name":"区域经理"}},
                       {{"id":"supervisor","name":"主管"}},{{"id":"finance","name":"财务"}},
                       {{"id":"sales","name":"销售"}},{{"id":"cs","name":"客服"}}],
              "teams":[{{"id":"engineers","name":"工程师组"}},{{"id":"advisors","name":"课程顾问"}}],
              "agents":[{{"id":"zhang","name":"张工","roles":["engineer"],"skills":["ac"]}}],
              "skills":[{{"id":"ac","name":"空调维修"}}]
            }},
            "calendars":[{{"id":"workdays","name":"工作日","week":{{"mon":[{{"from":"09:00","until":"18:00"}}]}}}}],
            {sections}}}"#
    )
}

pub(crate) fn check(sections: &str) -> Vec<(String, String)> {
    crate::validate_bundle(&bundle(sections))
        .into_iter()
        .map(|p| {
            assert!(!p.message.zh_cn.is_empty() && !p.message.en.is_empty());
            let code = p.code.as_str().to_owned();
            let code = if p.severity == Severity::Warning {
                format!("warning:{code}")
            } else {
                code
            };
            (code, p.path)
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
        .collect()
}

const ENGINEER: &str = r#"{"strategy":"least_loaded","to":{"role":"engineer"}}"#;

fn flow(nodes: &str) -> String {
    format!(r#""flows":[{{"id":"f","name":"流程","nodes":[{nodes}]}}]"#)
}

#[test]
fn a_small_flow_is_valid() {
    let nodes = format!(
        r#"{{"id":"s","name":"开始","kind":"start","next":"t"}},
               {{"id":"t","name":"处理","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"done","label":"完成","to":"e","guard":"ticket.priority != 'low'"}}]}},
               {{"id":"e","name":"结束","kind":"end"}}"#
    );
    assert_eq!(check(&flow(&nodes)), pairs(&[]));
}

#[test]
fn graph_mistakes_are_located_at_their_nodes() {
    let nodes = format!(
        r#"{{"id":"s","name":"开始","kind":"start","next":"x"}},
               {{"id":"x","name":"分支","kind":"exclusive","branches":[{{"when":"ticket.amount > 100","to":"loop"}}]}},
               {{"id":"loop","name":"循环","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"again","label":"再来","to":"loop"}},{{"id":"lost","label":"?","to":"nowhere"}}]}},
               {{"id":"orphan","name":"孤立","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"done","label":"完成","to":"e"}}]}},
               {{"id":"e","name":"结束","kind":"end"}}"#
    );
    assert_eq!(
        check(&flow(&nodes)),
        pairs(&[
            ("missing-default", "/flows/0/nodes/1"),
            ("unknown-reference", "/flows/0/nodes/2/actions/1/to"),
            ("unreachable-node", "/flows/0/nodes/3"),
            ("unreachable-node", "/flows/0/nodes/4"),
            ("no-path-to-end", "/flows/0/nodes/0"),
            ("no-path-to-end", "/flows/0/nodes/1"),
            ("no-path-to-end", "/flows/0/nodes/2"),
        ])
    );
}

#[test]
fn one_start_and_an_end_are_required() {
    let nodes = r#"{"id":"a","name":"A","kind":"start","next":"b"},
                       {"id":"b","name":"B","kind":"start","next":"a"}"#;
    assert_eq!(
        check(&flow(nodes)),
        pairs(&[
            ("invalid-graph", "/flows/0/nodes/1"),
            ("invalid-graph", "/flows/0/nodes"),
            ("invalid-graph", "/flows/0/nodes/0/next"),
            ("invalid-graph", "/flows/0/nodes/1/next"),
        ])
    );
}

#[test]
fn parallel_splits_must_meet_at_one_join() {
    let task = |id: &str, to: &str| {
        format!(
            r#"{{"id":"{id}","name":"{id}","kind":"task","assign":{ENGINEER},
                    "actions":[{{"id":"ok","label":"完成","to":"{to}"}}]}}"#
        )
    };
    // Nested: outer split p → (a, inner split q → (b, c) → jq) → jp.
    let good = [
        r#"{"id":"s","name":"开始","kind":"start","next":"p"}"#.to_owned(),
        r#"{"id":"p","name":"并行","kind":"parallel_split","to":["a","q"],"join":"jp"}"#.to_owned(),
        task("a", "jp"),
        r#"{"id":"q","name":"内层","kind":"parallel_split","to":["b","c"]}"#.to_owned(),
        task("b", "jq"),
        task("c", "jq"),
        r#"{"id":"jq","name":"内汇","kind":"parallel_join","next":"jp"}"#.to_owned(),
        r#"{"id":"jp","name":"外汇","kind":"parallel_join","next":"e"}"#.to_owned(),
        r#"{"id":"e","name":"结束","kind":"end"}"#.to_owned(),
    ];
    assert_eq!(check(&flow(&good.join(","))), pairs(&[]));

    // One branch ends on its own; another split's branches meet at different joins.
    let bad = [
        r#"{"id":"s","name":"开始","kind":"start","next":"p"}"#.to_owned(),
        r#"{"id":"p","name":"并行","kind":"parallel_split","to":["a","b"]}"#.to_owned(),
        task("a", "j1"),
        task("b", "e"),
        r#"{"id":"j1","name":"汇聚","kind":"parallel_join","next":"q"}"#.to_owned(),
        r#"{"id":"q","name":"再并行","kind":"parallel_split","to":["c","d"]}"#.to_owned(),
        task("c", "j2"),
        task("d", "j3"),
        r#"{"id":"j2","name":"汇2","kind":"parallel_join","next":"e"}"#.to_owned(),
        r#"{"id":"j3","name":"汇3","kind":"parallel_join","next":"e"}"#.to_owned(),
        r#"{"id":"e","name":"结束","kind":"end"}"#.to_owned(),
    ];
    assert_eq!(
        check(&flow(&bad.join(","))),
        pairs(&[
            ("unjoined-split", "/flows/0/nodes/1"),
            ("invalid-graph", "/flows/0/nodes/4"),
            ("unjoined-split", "/flows/0/nodes/5"),
            ("invalid-graph", "/flows/0/nodes/8"),
            ("invalid-graph", "/flows/0/nodes/9"),
        ])
    );
}

#[test]
fn disabled_nodes_say_what_happens_to_tickets() {
    let nodes = format!(
        r#"{{"id":"s","name":"开始","kind":"start","next":"trial"}},
               {{"id":"trial","name":"试听课预约","kind":"task","enabled":false,"assign":{ENGINEER},
                 "actions":[{{"id":"ok","label":"完成","to":"t"}}]}},
               {{"id":"t","name":"处理","kind":"task","enabled":false,"when_disabled":{{"skip_to":"ee"}},
                 "assign":{ENGINEER},"actions":[{{"id":"ok","label":"完成","to":"e"}}]}},
               {{"id":"e","name":"结束","kind":"end","enabled":false}}"#
    );
    assert_eq!(
        check(&flow(&nodes)),
        pairs(&[
            ("missing-field", "/flows/0/nodes/1/when_disabled"),
            (
                "unknown-reference",
                "/flows/0/nodes/2/when_disabled/skip_to"
            ),
            ("invalid-value", "/flows/0/nodes/3/enabled"),
        ])
    );
}

#[test]
fn expressions_read_the_flow_form_and_the_action() {
    let sections = format!(
        r#""forms":[{{"id":"repair","name":"报修","fields":[
                 {{"id":"needs_parts","kind":"yes_no","label":"需要备件"}}]}}],
               "flows":[{{"id":"f","name":"流程","form":"repair","nodes":[
                 {{"id":"s","name":"开始","kind":"start","next":"x"}},
                 {{"id":"x","name":"分支","kind":"exclusive","default":"t",
                   "branches":[{{"when":"ticket.fields.needs_part","to":"t"}}]}},
                 {{"id":"t","name":"处理","kind":"task","assign":{ENGINEER},"form":"repair",
                   "actions":[{{"id":"ok","label":"完成","to":"e","guard":"action.data.needs_parts and actoin.name == 'ok'"}}]}},
                 {{"id":"e","name":"结束","kind":"end","emit":[{{"event":"rating.request",
                   "payload":{{"customer":"ticket.customer.id","bad":"ticket.nope"}}}}]}}]}}]"#
    );
    assert_eq!(
        check(&sections),
        pairs(&[
            ("unknown-variable", "/flows/0/nodes/1/branches/0/when"),
            ("unknown-variable", "/flows/0/nodes/2/actions/0/guard"),
            ("unknown-variable", "/flows/0/nodes/3/emit/0/payload/bad"),
        ])
    );
}

#[test]
fn dispatch_references_the_organisation() {
    let nodes = r#"{"id":"s","name":"开始","kind":"start","next":"t"},
           {"id":"t","name":"处理","kind":"task",
            "assign":{"strategy":"team","to":{"role":"enginer"},"skills":["ac","plumbing"],
                      "triage":[{"keywords":["退费"],"to":{"team":"finance-team"}},{"keywords":["x"]}]},
            "actions":[{"id":"ok","label":"完成","to":"e"}]},
           {"id":"e","name":"结束","kind":"end"}"#;
    assert_eq!(
        check(&flow(nodes)),
        pairs(&[
            ("unknown-reference", "/flows/0/nodes/1/assign/to/role"),
            ("unknown-reference", "/flows/0/nodes/1/assign/skills/1"),
            ("invalid-value", "/flows/0/nodes/1/assign/to"),
            (
                "unknown-reference",
                "/flows/0/nodes/1/assign/triage/0/to/team"
            ),
            ("invalid-value", "/flows/0/nodes/1/assign/triage/1"),
        ])
    );
}

#[test]
fn a_pool_names_exactly_one_group() {
    let nodes = r#"{"id":"s","name":"开始","kind":"start","next":"t"},
           {"id":"t","name":"处理","kind":"task",
            "assign":{"strategy":"least_loaded","to":{"role":"engineer","team":"engineers"},
                      "triage":[{"keywords":["退费"],"to":{}}]},
            "actions":[{"id":"ok","label":"完成","to":"e"}]},
           {"id":"e","name":"结束","kind":"end"}"#;
    assert_eq!(
        check(&flow(nodes)),
        pairs(&[
            ("invalid-value", "/flows/0/nodes/1/assign/to"),
            ("invalid-value", "/flows/0/nodes/1/assign/triage/0/to"),
        ])
    );
}

#[test]
fn sla_policies_are_checked() {
    let nodes = format!(
        r#"{{"id":"s","name":"开始","kind":"start","next":"t"}},
               {{"id":"t","name":"处理","kind":"task","assign":{ENGINEER},
                 "actions":[{{"id":"ok","label":"完成","to":"e"}}]}},
               {{"id":"e","name":"结束","kind":"end"}}"#
    );
    let sections = format!(
        r#""flows":[{{"id":"f","name":"投诉","nodes":[{nodes}],"sla":[
                 {{"id":"all","targets":{{"first_response":{{"within":"24h"}},"resolution":{{"within":"2h","business_time":true}}}},
                   "warn_before":"3h","pause_states":["t","waiting"],
                   "escalations":[{{"on":"breach","target":"next_update","action":{{"do":"reassign","to":{{"role":"regional_manager"}}}}}}]}},
                 {{"id":"vip","when":"ticket.customer.tier == 'VIP'","targets":{{}}}}]}}]"#
    );
    assert_eq!(
        check(&sections),
        pairs(&[
            (
                "invalid-value",
                "/flows/0/sla/0/targets/resolution/business_time"
            ),
            ("invalid-value", "/flows/0/sla/0/warn_before"),
            ("unknown-reference", "/flows/0/sla/0/pause_states/1"),
            ("invalid-value", "/flows/0/sla/0/escalations/0/target"),
            ("warning:invalid-value", "/flows/0/sla/1"),
            ("invalid-value", "/flows/0/sla/1/targets"),
        ])
    );
}

#[test]
fn notification_rules_are_checked() {
    let nodes = r#"{"id":"s","name":"开始","kind":"start","next":"e"},{"id":"e","name":"结束","kind":"end"}"#;
    let sections = format!(
        r#""flows":[{{"id":"f","name":"流程","nodes":[{nodes}],"notifications":[
                 {{"id":"n","on":["state_change"],"nodes":["x"],"to":["assignee",{{"role":"boss"}}],
                   "by_priority":{{"urgent":["wecom"]}},"template":"t1",
                   "quiet_hours":{{"from":"22:00","until":"22:00"}},"ack_within":"30m","lead_time":"15m",
                   "when":"event.name == 'x' and ticket.priority == 'urgent'"}}]}}]"#
    );
    assert_eq!(
        check(&sections),
        pairs(&[
            ("unknown-reference", "/flows/0/notifications/0/nodes/0"),
            ("unknown-reference", "/flows/0/notifications/0/to/1/role"),
            ("invalid-value", "/flows/0/notifications/0/by_priority"),
            (
                "ends-before-start",
                "/flows/0/notifications/0/quiet_hours/until"
            ),
            ("invalid-value", "/flows/0/notifications/0/ack_within"),
            ("invalid-value", "/flows/0/notifications/0/lead_time"),
        ])
    );
}

#[test]
fn sub_flows_exist_and_do_not_run_themselves() {
    let sections = r#""flows":[
            {"id":"a","name":"A","nodes":[{"id":"s","name":"开始","kind":"start","next":"sub"},
              {"id":"sub","name":"子","kind":"sub_flow","flow":"b","next":"e"},{"id":"e","name":"结束","kind":"end"}]},
            {"id":"b","name":"B","nodes":[{"id":"s","name":"开始","kind":"start","next":"sub"},
              {"id":"sub","name":"子","kind":"sub_flow","flow":"a","next":"sub2"},
              {"id":"sub2","name":"子2","kind":"sub_flow","flow":"c","next":"e"},{"id":"e","name":"结束","kind":"end"}]}]"#;
    assert_eq!(
        check(sections),
        pairs(&[
            ("unknown-reference", "/flows/1/nodes/2/flow"),
            ("invalid-value", "/flows/0/nodes/1/flow"),
            ("invalid-value", "/flows/1/nodes/1/flow"),
        ])
    );
}

#[test]
fn structural_mistakes_come_from_the_schema() {
    let nodes = r#"{"id":"s","name":"开始","kind":"begin","next":"e"},
                       {"id":"p","name":"并行","kind":"parallel_split","to":["e"]},
                       {"id":"e","name":"结束","kind":"end","nxt":"s"}"#;
    assert_eq!(
        check(&flow(nodes)),
        pairs(&[
            ("unknown-variant", "/flows/0/nodes/0/kind"),
            ("invalid-value", "/flows/0/nodes/1/to"),
            ("unknown-field", "/flows/0/nodes/2/nxt"),
        ])
    );
}
