//! Removal requests on the large estate (5,000 Project Sets x 4 environments, 100,000 rules,
//! 10,000 flows): `cargo run --release -p mccs-benches --example profile_removal`. Retires one
//! environment, then judges expiry with every tenth rule and every tenth flow expired (which
//! plans every flow, to find the rules only expired flows need).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

use mccs_benches::{Size, estate};
use mccs_request::{BuildOptions, Removal, RequestSet};

fn main() {
    let mut t = estate(Size::LARGE);
    let past = "2020-01-01".parse().unwrap();
    let options = BuildOptions::default();

    let env = "p00001-prod".parse().unwrap();
    let start = std::time::Instant::now();
    let set = RequestSet::for_removal(&t, &Removal::RetireEnvironment(env), &options).unwrap();
    let removal = set.removal.unwrap();
    println!(
        "retire p00001-prod: {} rules to remove, {} objects to delete, {} to narrow in {:.0} ms",
        removal.rules_to_remove,
        removal.objects_to_delete,
        removal.rules_to_narrow,
        start.elapsed().as_secs_f64() * 1000.0
    );

    for (i, r) in t
        .firewalls
        .iter_mut()
        .flat_map(|f| f.rules.iter_mut())
        .enumerate()
    {
        if i % 10 == 0 {
            r.expires = Some(past);
        }
    }
    for (i, f) in t.flows.iter_mut().enumerate() {
        if i % 10 == 0 {
            f.expires = Some(past);
        }
    }
    let expired = Removal::Expired {
        today: "2026-01-01".parse().unwrap(),
        within_days: 30,
    };
    let start = std::time::Instant::now();
    let set = RequestSet::for_removal(&t, &expired, &options).unwrap();
    let removal = set.removal.unwrap();
    println!(
        "expired (10% of rules and flows): {} rules to remove, {} objects to delete, {} undecided in {:.0} ms",
        removal.rules_to_remove,
        removal.objects_to_delete,
        removal.undecided,
        start.elapsed().as_secs_f64() * 1000.0
    );
}
