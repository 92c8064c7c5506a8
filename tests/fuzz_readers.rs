//! Property tests of the readers with generated hostile input (proptest, fixed seed, a bounded
//! number of cases): no CSV or NDJSON log, split into blocks anywhere, and no config file makes
//! the audit panic. Every case ends in results or in a clean error (exit code 2 for the CLI).
//! Cases run: 256 CSV logs, 128 NDJSON logs, 200 block splits, 64 config files.

mod common;
use common::*;
use fairaudit::load::Shape;
use fairaudit::spec::{AuditSpec, BinaryColumn, Decision, Format};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(20261201),
        ..Config::default()
    }
}

/// Bytes that look like CSV often: delimiters, quotes, line breaks, digits, and anything else.
fn csv_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b",\"\n\r01ab;".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..300)
}

/// Bytes that look like NDJSON often.
fn ndjson_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "{", "}", "\"y\"", "\"g\"", ":", ",", "1", "0", "\"a\"", "null", "true", "[", "]", "\n", " ",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|p| p.concat())
}

fn audit_of(path: &std::path::Path, format: Format) -> AuditSpec {
    let mut spec = AuditSpec::new(
        path,
        Decision::Outcome(BinaryColumn {
            column: "y".into(),
            positive: None,
        }),
        vec![vec!["g".into()]],
    );
    spec.format = format;
    spec.stats.bootstrap = 10;
    spec
}

proptest! {
    #![proptest_config(config(256))]
    #[test]
    fn any_csv_log_gives_results_or_an_error(body in csv_bytes(), header in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut bytes = if header { b"y,g\n".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(&body);
        std::fs::write(&path, &bytes).unwrap();
        let _ = fairaudit::audit::run(&audit_of(&path, Format::Csv));
    }
}

proptest! {
    #![proptest_config(config(128))]
    #[test]
    fn any_ndjson_log_gives_results_or_an_error(body in ndjson_bytes()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.ndjson");
        std::fs::write(&path, &body).unwrap();
        let _ = fairaudit::audit::run(&audit_of(&path, Format::Ndjson));
    }
}

proptest! {
    #![proptest_config(config(200))]
    #[test]
    fn shape_checks_do_not_depend_on_where_blocks_split(body in csv_bytes(), split in 0usize..300) {
        let path = std::path::Path::new("log");
        for format in [Format::Csv, Format::Ndjson] {
            let whole = {
                let mut s = Shape::of(path, format, b',');
                s.feed(&body).and_then(|_| s.feed(&[])).map_err(|e| e.to_string())
            };
            let at = split.min(body.len());
            let parts = {
                let mut s = Shape::of(path, format, b',');
                s.feed(&body[..at])
                    .and_then(|_| s.feed(&body[at..]))
                    .and_then(|_| s.feed(&[]))
                    .map_err(|e| e.to_string())
            };
            prop_assert_eq!(whole, parts);
        }
    }
}

/// Text that looks like an audit config often: keys, values, TOML punctuation.
fn config_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "data", "outcome", "protected", "threshold", "score", "bootstrap", "min-group-size",
            "di-threshold", "reference", " = ", "\"log.csv\"", "\"y\"", "\"g\"", "nan", "inf", "-1",
            "1e400", "2000000000", "[", "]", ",", "\n", "[[x]]", "\"", "#", "true",
        ])
        .prop_map(str::to_string),
        1 => prop::collection::vec(0x20u8..0x7f, 0..8)
            .prop_map(|b| String::from_utf8(b).unwrap_or_default()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(config(64))]
    #[test]
    fn any_config_file_gives_results_or_a_one_line_error(text in config_text()) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "log.csv", &("y,g\n".to_string() + &"1,a\n0,b\n".repeat(20)));
        let config = write(dir.path(), "audit.toml", &text);
        let out = fairaudit()
            .args(["audit", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let code = out.status.code();
        prop_assert!(matches!(code, Some(0) | Some(2)), "exit {:?} on {:?}", code, text);
        if code == Some(2) {
            let stderr = String::from_utf8_lossy(&out.stderr);
            prop_assert_eq!(stderr.trim_end().lines().count(), 1, "{}", stderr);
        }
    }
}
