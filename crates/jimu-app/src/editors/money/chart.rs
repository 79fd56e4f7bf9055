//! Charts of a tier table: the price of a quantity (or the commission on an attainment) over
//! its range, computed point by point by jimu-core's one tier engine, with the bands' bounds
//! and an optional quantity transform (distance rounded up to whole km) shown as steps. The
//! series is pure and natively tested; the SVG component only draws it.

use crate::shell::workspace::Workspace;
use jimu_core::Rounding;
use jimu_core::format::pricing::{Charge, StepRounding};
use jimu_core::price::tiers::{charge, round_to_step};
use leptos::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The points of a chart, in order of quantity, and the bounds drawn as guides.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// (quantity, amount) in order of quantity; a jump is two points at one quantity.
    pub points: Vec<(f64, f64)>,
    /// The finite upper bounds of the tiers.
    pub bounds: Vec<f64>,
    pub max_q: f64,
    pub max_amount: f64,
}

/// How far a chart of `charge` goes: half again past the last finite bound (or the point
/// where a percentage fee reaches its maximum), 10 when nothing says.
fn reach(c: &Charge) -> Decimal {
    let last = c
        .tiers()
        .iter()
        .filter_map(|t| t.up_to.as_ref().map(|d| d.0))
        .max();
    let guess = match c {
        Charge::Package { size, free, .. } => {
            Some(free.as_ref().map_or(Decimal::ZERO, |f| f.0) + size.0 * Decimal::from(5))
        }
        Charge::Percentage { rate, max, .. } => match max {
            Some(m) if !rate.0.is_zero() => m.0.checked_div(rate.0),
            _ => Some(Decimal::from(1000)),
        },
        _ => last,
    };
    match guess {
        Some(q) if q > Decimal::ZERO => q * Decimal::new(15, 1),
        _ => Decimal::from(10),
    }
}

/// The amount `charge` gives for `q` after `transform`, as a number to draw.
fn amount_at(c: &Charge, q: Decimal, transform: Option<&StepRounding>) -> Option<f64> {
    let q = match transform {
        Some(t) => round_to_step(q, t, Rounding::HalfEven).ok()?,
        None => q,
    };
    charge(c, q).ok()?.amount.to_f64()
}

/// The chart of `charge` from 0 to its reach: 200 even steps, plus each bound (and each
/// transform step) just before and at it, so bands and jumps are drawn where they are.
pub fn series(c: &Charge, transform: Option<&StepRounding>) -> Series {
    let max = reach(c);
    let steps = 200u32;
    let mut qs: Vec<Decimal> = (0..=steps)
        .map(|i| max * Decimal::from(i) / Decimal::from(steps))
        .collect();
    let bounds: Vec<Decimal> = c
        .tiers()
        .iter()
        .filter_map(|t| t.up_to.as_ref().map(|d| d.0))
        .filter(|b| *b > Decimal::ZERO && *b < max)
        .collect();
    let tiny = max / Decimal::from(100_000);
    let mut edges = bounds.clone();
    if let Some(t) = transform.filter(|t| t.step.0 > Decimal::ZERO) {
        let count = (max / t.step.0).to_u32().unwrap_or(0);
        if count <= 400 {
            edges.extend((1..=count).map(|k| t.step.0 * Decimal::from(k)));
        }
    }
    if let Charge::Package { size, free, .. } = c
        && size.0 > Decimal::ZERO
    {
        let free = free.as_ref().map_or(Decimal::ZERO, |f| f.0);
        let count = ((max - free) / size.0).to_u32().unwrap_or(0);
        if count <= 400 {
            edges.extend((0..=count).map(|k| free + size.0 * Decimal::from(k)));
        }
    }
    for e in edges {
        qs.push(e);
        qs.push(e + tiny);
    }
    qs.sort();
    qs.dedup();
    let points: Vec<(f64, f64)> = qs
        .into_iter()
        .filter(|q| *q <= max)
        .filter_map(|q| Some((q.to_f64()?, amount_at(c, q, transform)?)))
        .collect();
    let max_amount = points.iter().map(|p| p.1).fold(0.0, f64::max);
    Series {
        points,
        bounds: bounds.iter().filter_map(|b| b.to_f64()).collect(),
        max_q: max.to_f64().unwrap_or(10.0),
        max_amount,
    }
}

/// A round number at or above `x` for an axis (1, 2 or 5 × a power of 10).
pub fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= x * 0.999_999)
        .unwrap_or(10.0 * p)
}

/// An axis label: whole numbers as they are, thousands and millions shortened (`500k`, `2M`).
fn label(x: f64) -> String {
    if x >= 1_000_000.0 {
        let m = x / 1_000_000.0;
        return if m.fract().abs() < 1e-9 {
            format!("{m:.0}M")
        } else {
            format!("{m:.1}M")
        };
    }
    if x >= 10_000.0 {
        let k = x / 1000.0;
        return if k.fract().abs() < 1e-9 {
            format!("{k:.0}k")
        } else {
            format!("{k:.1}k")
        };
    }
    if x.fract().abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

const W: f64 = 420.0;
const H: f64 = 190.0;
const LEFT: f64 = 52.0;
const BOTTOM: f64 = 26.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 12.0;

/// A tier chart: the series as a line over labelled axes, the bounds as dashed guides, and a
/// marker at `mark` (the quantity of the quote or order shown, when there is one).
#[component]
pub fn TierChart(
    ws: Workspace,
    #[prop(into)] series: Signal<Series>,
    /// What the chart shows, read by screen readers.
    #[prop(into)]
    label_text: Signal<String>,
    #[prop(into)] id: String,
) -> impl IntoView {
    let _ = ws;
    let drawn = move || {
        let s = series.get();
        let max_x = nice_ceiling(s.max_q);
        let max_y = nice_ceiling(s.max_amount.max(1.0));
        let x = move |q: f64| LEFT + q / max_x * (W - LEFT - RIGHT);
        let y = move |a: f64| H - BOTTOM - a / max_y * (H - BOTTOM - TOP);
        let path: String = s
            .points
            .iter()
            .enumerate()
            .map(|(i, (q, a))| {
                format!(
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { "L" },
                    x(*q),
                    y(*a)
                )
            })
            .collect();
        let ticks = (0..=4).map(|k| k as f64 / 4.0).collect::<Vec<_>>();
        view! {
            <g class="chart-grid">
                {ticks
                    .iter()
                    .map(|t| {
                        let yy = y(t * max_y);
                        view! {
                            <line x1=LEFT x2=W - RIGHT y1=yy y2=yy />
                            <text x=LEFT - 6.0 y=yy + 4.0 text-anchor="end">{label(t * max_y)}</text>
                            " "
                        }
                    })
                    .collect_view()}
                {ticks
                    .iter()
                    .map(|t| {
                        let xx = x(t * max_x);
                        view! { <text x=xx y=H - 8.0 text-anchor="middle">{label(t * max_x)}</text> " " }
                    })
                    .collect_view()}
            </g>
            <g class="chart-bounds">
                {s.bounds
                    .iter()
                    .map(|b| {
                        let xx = x(*b);
                        view! {
                            <line x1=xx x2=xx y1=TOP y2=H - BOTTOM />
                            <text x=xx + 3.0 y=TOP + 10.0>{label(*b)}</text>
                            " "
                        }
                    })
                    .collect_view()}
            </g>
            <path class="chart-line" d=path />
        }
    };
    view! {
        <svg id=id class="tier-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=move || label_text.get()>
            {drawn}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge_of(json: serde_json::Value) -> Charge {
        serde_json::from_value(json).expect("a charge")
    }

    fn at(s: &Series, q: f64) -> f64 {
        s.points
            .iter()
            .rev()
            .find(|(x, _)| (*x - q).abs() < 1e-9)
            .map(|p| p.1)
            .unwrap_or_else(|| panic!("a point at {q}"))
    }

    #[test]
    fn the_call_out_fee_over_distance_follows_its_tiers() {
        // 30 for the first 3 km, then 5 per km: 7 km → 50, 10 km → 65.
        let c = charge_of(serde_json::json!({"model": "graduated", "tiers": [
            {"up_to": "3", "flat": "30", "unit": "0"}, {"up_to": null, "unit": "5"}
        ]}));
        let s = series(&c, None);
        assert_eq!(s.max_q, 4.5, "half again past the last bound");
        assert_eq!(s.bounds, vec![3.0]);
        assert_eq!(at(&s, 3.0), 30.0);
        assert!((at(&s, 4.5) - 37.5).abs() < 1e-9);
        assert_eq!(at(&s, 0.0), 0.0);
        // Rounded up to whole km, 3.2 km is charged as 4 km: 35.
        let up: StepRounding =
            serde_json::from_value(serde_json::json!({"round": "up", "step": "1"}))
                .expect("a rounding");
        let s = series(&c, Some(&up));
        let just_after = s
            .points
            .iter()
            .find(|(q, _)| *q > 3.0 && *q < 3.5)
            .expect("a point after 3 km");
        assert_eq!(just_after.1, 35.0);
    }

    #[test]
    fn volume_jumps_at_each_bound() {
        // Stripe: 1–5 @ 7.00, 6–10 @ 6.50, 11+ @ 6.00.
        let c = charge_of(serde_json::json!({"model": "volume", "tiers": [
            {"up_to": "5", "unit": "7.00"}, {"up_to": "10", "unit": "6.50"}, {"up_to": null, "unit": "6.00"}
        ]}));
        let s = series(&c, None);
        assert_eq!(s.max_q, 15.0);
        assert_eq!(at(&s, 5.0), 35.0);
        assert_eq!(at(&s, 10.0), 65.0);
        let after_10 = s.points.iter().find(|(q, _)| *q > 10.0).expect("after 10");
        assert!(
            after_10.1 < 61.0,
            "all units at 6.00 just past 10: {after_10:?}"
        );
        assert_eq!(nice_ceiling(65.0), 100.0);
        assert_eq!(nice_ceiling(15.0), 20.0);
        assert_eq!(nice_ceiling(4.5), 5.0);
        assert_eq!(label(2_000_000.0), "2M");
        assert_eq!(label(1_500_000.0), "1.5M");
        assert_eq!(label(500_000.0), "500k");
        assert_eq!(label(2.5), "2.50");
        assert_eq!(label(7500.0), "7500");
    }

    #[test]
    fn commission_rates_marginal_and_retroactive() {
        let tiers = serde_json::json!([
            {"up_to": "100000", "rate": "0.02"}, {"up_to": null, "rate": "0.04"}
        ]);
        let marginal = series(
            &charge_of(serde_json::json!({"model": "marginal", "tiers": tiers})),
            None,
        );
        let retro = series(
            &charge_of(serde_json::json!({"model": "retroactive", "tiers": tiers})),
            None,
        );
        // At 150,000: marginal 2,000 + 2,000 = 4,000; retroactive 6,000.
        assert_eq!(at(&marginal, 150_000.0), 4000.0);
        assert_eq!(at(&retro, 150_000.0), 6000.0);
    }
}
