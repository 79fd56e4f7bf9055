//! A ticket through 10 nodes: created, then acted on at each of its four tasks until it closes.
//! The goal (issue "flow engine") is 500,000 or more tickets per second natively; see
//! BENCHMARKS.md. Measured on one core, and with one engine per core over a shared bundle.
//!
//! The flow is generated here: start → intake (task) → enrich (automatic: a field set from an
//! expression, an event) → route (exclusive over that field) → review (task) → handle (task) →
//! check (exclusive over the priority, default taken) → wrap-up (automatic: priority, event) →
//! confirm (task) → end (an event). Tasks are dispatched least-loaded among three agents of a
//! role; the ticket's SLA policy runs a first-response clock in business time (Mon–Fri 9–18,
//! Asia/Shanghai, with a holiday) and a resolution clock in calendar time. Every node is
//! visited. Before timing, the bench checks the path, the owners, the clocks and the events.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jimu_core::Bundle;
use jimu_core::ticket::{Command, Engine, Script, Ticket, What};
use serde_json::{Value, json};
use std::hint::black_box;

fn task(id: &str, action: &str, to: &str) -> Value {
    json!({"id": id, "name": id, "kind": "task",
           "assign": {"strategy": "least_loaded", "to": {"role": "agent"}},
           "actions": [{"id": action, "label": action, "to": to}]})
}

fn bundle() -> Bundle {
    let day = json!([{"from": "09:00", "until": "18:00"}]);
    let nodes = vec![
        json!({"id": "start", "name": "开始", "kind": "start", "next": "intake"}),
        task("intake", "submit", "enrich"),
        json!({"id": "enrich", "name": "enrich", "kind": "automatic",
               "steps": [
                   {"do": "set_field", "field": "score", "value": "ticket.fields.amount * 2"},
                   {"do": "emit", "event": "ticket.enriched", "payload": {"id": "ticket.id"}}
               ],
               "next": "route"}),
        json!({"id": "route", "name": "route", "kind": "exclusive",
               "branches": [{"when": "ticket.fields.score > 100", "to": "review"}],
               "default": "handle"}),
        task("review", "approve", "handle"),
        task("handle", "done", "check"),
        json!({"id": "check", "name": "check", "kind": "exclusive",
               "branches": [{"when": "ticket.priority == 'urgent'", "to": "end"}],
               "default": "wrap-up"}),
        json!({"id": "wrap-up", "name": "wrap-up", "kind": "automatic",
               "steps": [
                   {"do": "set_priority", "priority": "low"},
                   {"do": "emit", "event": "ticket.wrapped"}
               ],
               "next": "confirm"}),
        task("confirm", "confirmed", "end"),
        json!({"id": "end", "name": "结束", "kind": "end",
               "emit": [{"event": "ticket.closed", "payload": {"id": "ticket.id"}}]}),
    ];
    assert_eq!(nodes.len(), 10);
    let doc = json!({
        "schema_version": 2, "name": "ten-nodes", "currency": "CNY", "time_zone": "Asia/Shanghai",
        "org": {
            "roles": [{"id": "agent", "name": "客服"}],
            "agents": [
                {"id": "a1", "name": "a1", "roles": ["agent"]},
                {"id": "a2", "name": "a2", "roles": ["agent"]},
                {"id": "a3", "name": "a3", "roles": ["agent"]}
            ]
        },
        "calendars": [{
            "id": "workdays", "name": "工作日",
            "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day},
            "holidays": [{"date": "2026-10-01", "through": "2026-10-07", "name": "国庆"}]
        }],
        "forms": [{"id": "f", "name": "f", "fields": [
            {"id": "amount", "kind": "number", "label": "amount"},
            {"id": "score", "kind": "number", "label": "score"}
        ]}],
        "flows": [{
            "id": "ten", "name": "ten nodes", "form": "f", "calendar": "workdays",
            "nodes": nodes,
            "sla": [{"id": "standard",
                     "targets": {"first_response": {"within": "4h", "business_time": true},
                                 "resolution": {"within": "3d"}},
                     "warn_before": "30m"}]
        }]
    });
    Bundle::from_json(&doc.to_string()).expect("the bench bundle is valid")
}

fn commands() -> Vec<Command> {
    let script = json!({"flow": "ten", "commands": [
        {"at": "2026-11-16T09:00:00+08:00", "create": {"id": "T-1", "title": "空调不制冷",
            "priority": "normal", "fields": {"amount": 80}}},
        {"at": "2026-11-16T09:10:00+08:00", "act": "submit", "by": "a1"},
        {"at": "2026-11-16T09:20:00+08:00", "act": "approve", "by": "a1"},
        {"at": "2026-11-16T10:00:00+08:00", "act": "done", "by": "a1"},
        {"at": "2026-11-16T10:30:00+08:00", "act": "confirmed", "by": "a1"}
    ]});
    Script::from_json(&script.to_string())
        .expect("the bench script is valid")
        .commands
}

/// One ticket from creation to its end, applied in place as a host that keeps tickets would.
fn run(engine: &mut Engine<'_>, commands: &[Command]) -> Ticket {
    let mut ticket = engine.open(&commands[0]).expect("created");
    for command in &commands[1..] {
        engine.apply_to(&mut ticket, command).expect("accepted");
    }
    ticket
}

fn ticket(c: &mut Criterion) {
    let bundle = bundle();
    let commands = commands();
    let mut engine = Engine::new(&bundle);
    let done = run(&mut engine, &commands);
    assert!(done.closed, "{:#?}", done.log);
    assert_eq!(done.log.len(), 28, "{:#?}", done.log);
    let entered: Vec<&str> = done
        .log
        .iter()
        .filter_map(|h| match &h.what {
            What::Entered { node } => Some(&**node),
            _ => None,
        })
        .collect();
    assert_eq!(
        entered,
        [
            "start", "intake", "enrich", "route", "review", "handle", "check", "wrap-up",
            "confirm", "end"
        ]
    );
    let assigned = done
        .log
        .iter()
        .filter(|h| matches!(h.what, What::Assigned { .. }))
        .count();
    assert_eq!(assigned, 4, "every task has an owner");
    let events = done
        .log
        .iter()
        .filter(|h| matches!(h.what, What::Event { .. }))
        .count();
    assert_eq!(events, 3);
    assert_eq!(done.priority, "low");
    let first_response = &done.clocks[0];
    assert_eq!(
        first_response.due.map(|d| d.to_string()).as_deref(),
        Some("2026-11-16T05:00:00Z"),
        "4 working hours from Monday 09:00"
    );
    assert_eq!(
        done.clocks[1].due.map(|d| d.to_string()).as_deref(),
        Some("2026-11-19T01:00:00Z")
    );
    assert!(done.clocks.iter().all(|c| c.stopped.is_some()));

    let mut group = c.benchmark_group("ticket");
    group.throughput(Throughput::Elements(1));
    group.bench_function("through_10_nodes", |b| {
        b.iter(|| black_box(run(&mut engine, black_box(&commands))));
    });
    // A host runs one engine per core over one shared bundle: wall-clock time per ticket with
    // every core busy (the tickets are independent; nothing is shared but the bundle).
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    group.bench_function(format!("through_10_nodes_on_{cores}_cores"), |b| {
        b.iter_custom(|tickets| {
            let share = tickets.div_ceil(cores as u64);
            let started = std::time::Instant::now();
            std::thread::scope(|scope| {
                for _ in 0..cores {
                    scope.spawn(|| {
                        let mut engine = Engine::new(&bundle);
                        for _ in 0..share {
                            black_box(run(&mut engine, black_box(&commands)));
                        }
                    });
                }
            });
            started.elapsed()
        });
    });
    group.finish();
}

criterion_group!(benches, ticket);
criterion_main!(benches);
