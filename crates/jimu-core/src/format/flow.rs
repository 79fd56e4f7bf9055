//! Flows: nodes, transitions, guards, dispatch, SLA policies, escalation and notifications.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {}

/// Registers the ids this section defines (duplicates are reported).
pub(crate) fn collect_ids(_doc: &super::BundleDoc, _ctx: &mut crate::check::Ctx) {}

/// Checks references, expressions and section-specific rules, after every id is known.
pub(crate) fn check(_doc: &super::BundleDoc, _ctx: &mut crate::check::Ctx) {}
