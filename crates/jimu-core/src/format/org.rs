//! Organisation: roles, teams, agents and the region tree, for dispatch and permissions.
//!
//! JSON shape:
//! ```json
//! "org": {
//!   "roles":   [{"id": "engineer", "name": "工程师", "parent": "supervisor"}],
//!   "teams":   [{"id": "bj-repair", "name": "北京维修组", "members": ["a1"], "lead": "a1"}],
//!   "agents":  [{"id": "a1", "name": "张伟", "roles": ["engineer"], "skills": ["ac"],
//!                "regions": ["bj-chaoyang"], "capacity": 8, "team": "bj-repair"}],
//!   "skills":  [{"id": "ac", "name": "空调"}],
//!   "regions": [{"id": "bj", "name": "北京", "level": "province"},
//!               {"id": "bj-city", "name": "北京市", "level": "city", "parent": "bj"},
//!               {"id": "bj-chaoyang", "name": "朝阳区", "level": "district", "parent": "bj-city"}]
//! }
//! ```

use super::{Id, Text};
use crate::check::{Ctx, IdKind};
use crate::problem::{Localized, Problem, ProblemCode};
use crate::reader::Pointer;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The people who handle tickets and how they are organised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Org {
    /// Roles (工程师, 区域经理, 主管…): what agents are, for dispatch, escalation and permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Teams (groups) of agents, each optionally with a lead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Team>,
    /// The people who own tickets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<Agent>,
    /// Skills dispatch can require (空调维修, 退费审核…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Skill>,
    /// The region tree: provinces, their cities, the cities' districts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
}

/// A role. Escalation to "the role above" follows `parent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The role's id, unique among roles.
    pub id: Id,
    /// The role's name as people read it.
    pub name: Text,
    /// The role one level up (区域经理 above 工程师): where "escalate to a higher role" goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
}

/// A team of agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The team's id, unique among teams.
    pub id: Id,
    /// The team's name as people read it.
    pub name: Text,
    /// The agents in the team (agent ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Id>,
    /// The agent who leads the team (escalations to "the team lead" go here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<Id>,
    /// The business calendar the team works by (a calendar id); SLA clocks of tickets the team
    /// owns use it unless the SLA policy names its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Id>,
}

/// One person who can own tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// The agent's id, unique among agents (usually the host's user id).
    pub id: Id,
    /// The agent's name as people read it.
    pub name: Text,
    /// The roles the agent holds (role ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Id>,
    /// The skills the agent has (skill ids); dispatch can require some.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<Id>,
    /// The regions the agent serves (region ids). Serving a city covers its districts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Id>,
    /// The most tickets the agent may hold open at once (at least 1); absent: no limit.
    /// Dispatch never assigns beyond it and prefers the lowest open load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub capacity: Option<u32>,
    /// The agent's home team (a team id); the team should list the agent in `members`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Id>,
}

/// A skill dispatch can match on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    /// The skill's id, unique among skills.
    pub id: Id,
    /// The skill's name as people read it.
    pub name: Text,
}

/// One node of the region tree (省 → 市 → 区/县).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The region's id, unique among regions; orders and tickets name their region by it.
    pub id: Id,
    /// The region's name as people read it.
    pub name: Text,
    /// Where the region sits in the tree.
    pub level: RegionLevel,
    /// The region one level up: a city's province, a district's city. A province has none;
    /// a city or district may omit it when the tree above is not needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// The administrative division code (行政区划代码, GB/T 2260), e.g. `110105`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// The level of a region; a parent is always exactly one level up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省级: a province, autonomous region or municipality (北京, 广东).
    Province,
    /// 地级: a city (广州市, 北京市).
    City,
    /// 县级: a district or county (朝阳区).
    District,
}

impl RegionLevel {
    fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Province => ("省级", "province"),
            Self::City => ("市级", "city"),
            Self::District => ("区县级", "district"),
        }
    }

    fn parent_level(self) -> Option<Self> {
        match self {
            Self::Province => None,
            Self::City => Some(Self::Province),
            Self::District => Some(Self::City),
        }
    }
}

fn org_at() -> Pointer {
    Pointer::root().key("org")
}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(doc: &super::BundleDoc, ctx: &mut Ctx) {
    let org = &doc.org;
    let at = org_at();
    for (i, role) in org.roles.iter().enumerate() {
        ctx.define(IdKind::Role, &role.id, &at.key("roles").index(i).key("id"));
    }
    for (i, team) in org.teams.iter().enumerate() {
        ctx.define(IdKind::Team, &team.id, &at.key("teams").index(i).key("id"));
    }
    for (i, agent) in org.agents.iter().enumerate() {
        ctx.define(
            IdKind::Agent,
            &agent.id,
            &at.key("agents").index(i).key("id"),
        );
    }
    for (i, skill) in org.skills.iter().enumerate() {
        ctx.define(
            IdKind::Skill,
            &skill.id,
            &at.key("skills").index(i).key("id"),
        );
    }
    for (i, region) in org.regions.iter().enumerate() {
        ctx.define(
            IdKind::Region,
            &region.id,
            &at.key("regions").index(i).key("id"),
        );
    }
}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(doc: &super::BundleDoc, ctx: &mut Ctx) {
    let org = &doc.org;
    let at = org_at();

    for (i, role) in org.roles.iter().enumerate() {
        if let Some(parent) = &role.parent {
            ctx.refer(
                IdKind::Role,
                parent,
                &at.key("roles").index(i).key("parent"),
            );
        }
    }
    let roles: Vec<(&Id, Option<&Id>)> = org
        .roles
        .iter()
        .map(|r| (&r.id, r.parent.as_ref()))
        .collect();
    for i in parent_cycles(&roles)
        .iter()
        .filter_map(|c| c.first().copied())
    {
        report_cycle(
            ctx,
            &at.key("roles").index(i).key("parent"),
            &roles,
            i,
            ("角色", "role"),
        );
    }

    for (i, team) in org.teams.iter().enumerate() {
        let team_at = at.key("teams").index(i);
        refer_all(ctx, IdKind::Agent, &team.members, &team_at.key("members"));
        if let Some(lead) = &team.lead {
            ctx.refer(IdKind::Agent, lead, &team_at.key("lead"));
        }
        if let Some(calendar) = &team.calendar {
            ctx.refer(IdKind::Calendar, calendar, &team_at.key("calendar"));
        }
    }

    for (i, agent) in org.agents.iter().enumerate() {
        let agent_at = at.key("agents").index(i);
        refer_all(ctx, IdKind::Role, &agent.roles, &agent_at.key("roles"));
        refer_all(ctx, IdKind::Skill, &agent.skills, &agent_at.key("skills"));
        refer_all(
            ctx,
            IdKind::Region,
            &agent.regions,
            &agent_at.key("regions"),
        );
        if let Some(team_id) = &agent.team
            && ctx.refer(IdKind::Team, team_id, &agent_at.key("team"))
        {
            let listed = org
                .teams
                .iter()
                .find(|t| t.id == *team_id)
                .is_none_or(|t| t.members.contains(&agent.id));
            if !listed {
                ctx.push(
                    warning(
                        ProblemCode::InvalidValue,
                        &agent_at.key("team"),
                        Localized::new(
                            format!(
                                "人员「{}」的所属团队是「{}」，但该团队的成员中没有此人",
                                agent.id.as_str(),
                                team_id.as_str()
                            ),
                            format!(
                                "agent `{}` names team `{}`, whose members do not include it",
                                agent.id.as_str(),
                                team_id.as_str()
                            ),
                        ),
                    )
                    .with_hint(Localized::new(
                        "请把此人加入该团队的 members",
                        "add the agent to the team's `members`",
                    )),
                );
            }
        }
    }

    check_regions(org, ctx);
}

fn check_regions(org: &Org, ctx: &mut Ctx) {
    let at = org_at().key("regions");
    let nodes: Vec<(&Id, Option<&Id>)> = org
        .regions
        .iter()
        .map(|r| (&r.id, r.parent.as_ref()))
        .collect();
    let cycles = parent_cycles(&nodes);
    for i in cycles.iter().filter_map(|c| c.first().copied()) {
        report_cycle(
            ctx,
            &at.index(i).key("parent"),
            &nodes,
            i,
            ("区域", "region"),
        );
    }
    // Members of a cycle get no level check: the cycle is the mistake to fix first.
    let cycles: Vec<usize> = cycles.into_iter().flatten().collect();
    let mut first: BTreeMap<&str, &Region> = BTreeMap::new();
    for region in &org.regions {
        first.entry(region.id.as_str()).or_insert(region);
    }
    for (i, region) in org.regions.iter().enumerate() {
        let Some(parent_id) = &region.parent else {
            continue;
        };
        let parent_at = at.index(i).key("parent");
        if !ctx.refer(IdKind::Region, parent_id, &parent_at) || cycles.contains(&i) {
            continue;
        }
        let Some(parent) = first.get(parent_id.as_str()) else {
            continue;
        };
        let (own_zh, own_en) = region.level.label();
        let (par_zh, par_en) = parent.level.label();
        match region.level.parent_level() {
            None => ctx.push(
                Problem::error(
                    ProblemCode::InvalidValue,
                    parent_at.as_str(),
                    Localized::new(
                        format!("省级区域「{}」不能有上级区域", region.id.as_str()),
                        format!(
                            "province `{}` cannot have a parent region",
                            region.id.as_str()
                        ),
                    ),
                )
                .with_hint(Localized::new(
                    "删除 parent，或把 level 改为 city / district",
                    "remove `parent`, or make the level `city` or `district`",
                )),
            ),
            Some(expected) if expected != parent.level => {
                let (exp_zh, exp_en) = expected.label();
                ctx.push(
                    Problem::error(
                        ProblemCode::InvalidValue,
                        parent_at.as_str(),
                        Localized::new(
                            format!(
                                "{own_zh}区域「{}」的上级「{}」是{par_zh}，应为{exp_zh}",
                                region.id.as_str(),
                                parent_id.as_str()
                            ),
                            format!(
                                "{own_en} `{}` has a {par_en} (`{}`) as parent; its parent must be a {exp_en}",
                                region.id.as_str(),
                                parent_id.as_str()
                            ),
                        ),
                    )
                    .with_hint(Localized::new(
                        "区域树为 省 → 市 → 区县，每级的上级恰好高一级",
                        "the tree is province → city → district; a parent is exactly one level up",
                    )),
                );
            }
            Some(_) => {}
        }
    }
}

/// Checks every id of a list against the ids of `kind`; a repeated id is a warning.
pub(crate) fn refer_all(ctx: &mut Ctx, kind: IdKind, ids: &[Id], at: &Pointer) {
    for (j, id) in ids.iter().enumerate() {
        let id_at = at.index(j);
        if ids.iter().take(j).any(|earlier| earlier == id) {
            let (zh, en) = kind.label();
            ctx.warning(
                ProblemCode::DuplicateId,
                &id_at,
                Localized::new(
                    format!("{zh}「{}」在列表中重复出现", id.as_str()),
                    format!("{en} `{}` is listed twice", id.as_str()),
                ),
            );
        } else {
            ctx.refer(kind, id, &id_at);
        }
    }
}

/// A warning-severity problem (for `.with_hint`).
pub(crate) fn warning(code: ProblemCode, at: &Pointer, message: Localized) -> Problem {
    let mut problem = Problem::error(code, at.as_str(), message);
    problem.severity = crate::problem::Severity::Warning;
    problem
}

/// The parent cycles among `(id, parent)` pairs, each as its members with the one reported
/// (the cycle's first node in document order) first. Unknown parents end a chain.
pub(crate) fn parent_cycles(nodes: &[(&Id, Option<&Id>)]) -> Vec<Vec<usize>> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (id, _)) in nodes.iter().enumerate() {
        index.entry(id.as_str()).or_insert(i);
    }
    // 0 = unseen, 1 = on the current chain, 2 = finished.
    let mut state = vec![0_u8; nodes.len()];
    let mut found = Vec::new();
    for start in 0..nodes.len() {
        let mut chain = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            match state.get(i).copied() {
                Some(0) => {}
                Some(1) => {
                    // The chain from `i` onwards is a cycle.
                    if let Some(pos) = chain.iter().position(|&c| c == i) {
                        let mut members: Vec<usize> =
                            chain.get(pos..).map(<[usize]>::to_vec).unwrap_or_default();
                        crate::sort::by(&mut members, &Ord::cmp);
                        found.push(members);
                    }
                    break;
                }
                _ => break,
            }
            if let Some(s) = state.get_mut(i) {
                *s = 1;
            }
            chain.push(i);
            current = nodes
                .get(i)
                .and_then(|(_, parent)| *parent)
                .and_then(|p| index.get(p.as_str()).copied());
        }
        for i in chain {
            if let Some(s) = state.get_mut(i) {
                *s = 2;
            }
        }
    }
    crate::sort::vec_by(&mut found, Ord::cmp);
    found
}

/// Reports the parent cycle through node `i`, naming every member in order.
pub(crate) fn report_cycle(
    ctx: &mut Ctx,
    at: &Pointer,
    nodes: &[(&Id, Option<&Id>)],
    i: usize,
    (zh, en): (&str, &str),
) {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, (id, _)) in nodes.iter().enumerate() {
        index.entry(id.as_str()).or_insert(k);
    }
    let mut names = Vec::new();
    let mut current = Some(i);
    while let Some(k) = current {
        let Some((id, parent)) = nodes.get(k) else {
            break;
        };
        names.push(id.as_str());
        current = parent
            .and_then(|p| index.get(p.as_str()).copied())
            .filter(|&next| next != i && names.len() <= nodes.len());
    }
    if let Some(first) = names.first() {
        let first = *first;
        names.push(first);
    }
    let path = names.join(" → ");
    ctx.push(
        Problem::error(
            ProblemCode::InvalidValue,
            at.as_str(),
            Localized::new(
                format!("{zh}的上级形成了循环：{path}"),
                format!("the {en} parents form a cycle: {path}"),
            ),
        )
        .with_hint(Localized::new(
            "上级关系必须是一棵树：请断开其中一个 parent",
            "parents must form a tree: remove one `parent` of the cycle",
        )),
    );
}

// Reading (see `read.rs`): the same as the derived `Deserialize`, without its size.

use super::read::{Res, list, object, read_struct};
use super::read_text;
use serde_json::Value;

pub(crate) fn read_org(value: Value) -> Res<Org> {
    let map = object(value, "struct Org")?;
    Ok(read_struct!(map, deny, Org {
        roles: default with |v| list(v, read_role),
        teams: default with |v| list(v, read_team),
        agents: default with |v| list(v, read_agent),
        skills: default with |v| list(v, read_skill),
        regions: default with |v| list(v, read_region),
    }))
}

fn read_role(value: Value) -> Res<Role> {
    let map = object(value, "struct Role")?;
    Ok(read_struct!(map, deny, Role {
        id: req,
        name: req with read_text,
        parent: default,
    }))
}

fn read_team(value: Value) -> Res<Team> {
    let map = object(value, "struct Team")?;
    Ok(read_struct!(map, deny, Team {
        id: req,
        name: req with read_text,
        members: default,
        lead: default,
        calendar: default,
    }))
}

fn read_agent(value: Value) -> Res<Agent> {
    let map = object(value, "struct Agent")?;
    Ok(read_struct!(map, deny, Agent {
        id: req,
        name: req with read_text,
        roles: default,
        skills: default,
        regions: default,
        capacity: default,
        team: default,
    }))
}

fn read_skill(value: Value) -> Res<Skill> {
    let map = object(value, "struct Skill")?;
    Ok(read_struct!(map, deny, Skill {
        id: req,
        name: req with read_text,
    }))
}

fn read_region(value: Value) -> Res<Region> {
    let map = object(value, "struct Region")?;
    Ok(read_struct!(map, deny, Region {
        id: req,
        name: req with read_text,
        level: req,
        parent: default,
        code: default,
    }))
}

#[cfg(test)]
mod tests {
    use crate::problem::Severity;

    fn check(org: &str) -> Vec<(String, String, Severity)> {
        let json = format!(r#"{{"schema_version":2,"currency":"CNY","org":{org}}}"#);
        crate::validate_bundle(&json)
            .into_iter()
            .map(|p| (p.code.as_str().to_owned(), p.path, p.severity))
            .collect()
    }

    fn errors(org: &str) -> Vec<(String, String)> {
        check(org).into_iter().map(|(c, p, _)| (c, p)).collect()
    }

    #[test]
    fn a_complete_org_has_no_problems() {
        let found = check(
            r#"{
              "roles": [{"id":"engineer","name":"工程师","parent":"manager"},{"id":"manager","name":"区域经理"}],
              "teams": [{"id":"t1","name":"北京组","members":["a1"],"lead":"a1"}],
              "agents": [{"id":"a1","name":"张伟","roles":["engineer"],"skills":["ac"],"regions":["cy"],"capacity":5,"team":"t1"}],
              "skills": [{"id":"ac","name":"空调"}],
              "regions": [
                {"id":"bj","name":"北京","level":"province"},
                {"id":"bjs","name":"北京市","level":"city","parent":"bj"},
                {"id":"cy","name":"朝阳区","level":"district","parent":"bjs","code":"110105"}
              ]
            }"#,
        );
        assert_eq!(found, vec![]);
    }

    #[test]
    fn duplicates_unknown_references_and_capacity() {
        let found = errors(
            r#"{
              "roles": [{"id":"r","name":"R"},{"id":"r","name":"R2","parent":"boss"}],
              "teams": [{"id":"t","name":"T","members":["a1","ghost"],"lead":"a2","calendar":"cal"}],
              "agents": [
                {"id":"a1","name":"A","roles":["rr"],"skills":["ac"],"capacity":0},
                {"id":"a2","name":"B","team":"t"}
              ]
            }"#,
        );
        assert_eq!(
            found,
            vec![("out-of-range".into(), "/org/agents/0/capacity".into())]
        );
        let found = errors(
            r#"{
              "roles": [{"id":"r","name":"R"},{"id":"r","name":"R2","parent":"boss"}],
              "teams": [{"id":"t","name":"T","members":["a1","ghost"],"lead":"a2","calendar":"cal"}],
              "agents": [
                {"id":"a1","name":"A","roles":["rr"],"skills":["ac"],"capacity":1},
                {"id":"a2","name":"B","team":"t"}
              ]
            }"#,
        );
        assert_eq!(
            found,
            vec![
                ("duplicate-id".into(), "/org/roles/1/id".into()),
                ("unknown-reference".into(), "/org/roles/1/parent".into()),
                ("unknown-reference".into(), "/org/teams/0/members/1".into()),
                ("unknown-reference".into(), "/org/teams/0/calendar".into()),
                ("unknown-reference".into(), "/org/agents/0/roles/0".into()),
                ("unknown-reference".into(), "/org/agents/0/skills/0".into()),
                ("invalid-value".into(), "/org/agents/1/team".into()),
            ]
        );
    }

    #[test]
    fn region_levels_and_cycles() {
        let found = check(
            r#"{
              "regions": [
                {"id":"gd","name":"广东","level":"province","parent":"gz"},
                {"id":"gz","name":"广州","level":"city","parent":"gd"},
                {"id":"th","name":"天河","level":"district","parent":"gd2"},
                {"id":"gd2","name":"广东2","level":"province"},
                {"id":"sz","name":"深圳","level":"city","parent":"gd2"},
                {"id":"x","name":"X","level":"city","parent":"x"}
              ],
              "roles": [{"id":"a","name":"A","parent":"b"},{"id":"b","name":"B","parent":"a"}]
            }"#,
        );
        assert_eq!(
            found,
            vec![
                (
                    "invalid-value".into(),
                    "/org/roles/0/parent".into(),
                    Severity::Error
                ),
                (
                    "invalid-value".into(),
                    "/org/regions/0/parent".into(),
                    Severity::Error
                ),
                (
                    "invalid-value".into(),
                    "/org/regions/5/parent".into(),
                    Severity::Error
                ),
                (
                    "invalid-value".into(),
                    "/org/regions/2/parent".into(),
                    Severity::Error
                ),
            ]
        );
        let problems = crate::validate_bundle(
            r#"{"schema_version":2,"currency":"CNY","org":{"roles":[{"id":"a","name":"A","parent":"b"},{"id":"b","name":"B","parent":"a"}]}}"#,
        );
        assert_eq!(
            problems[0].message.en,
            "the role parents form a cycle: a → b → a"
        );
    }
}
