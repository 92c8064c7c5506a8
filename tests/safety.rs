//! Never lose a user's file, never panic, never write something dangerous. The dangerous cases
//! run inside temporary directories full of dummy files and assert that every dummy survives;
//! none runs against a real `/`.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A directory with dummy files (and a decision log) that must all survive.
fn dummies(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let files = vec![
        write(dir, "precious.txt", "keep me"),
        write(&dir.join("sub"), "notes.md", "keep me too"),
        write(
            dir,
            "log.csv",
            &("y,g\n".to_string() + &"1,a\n0,b\n".repeat(30)),
        ),
    ];
    files
}

fn all_survive(files: &[PathBuf]) {
    for f in files {
        assert!(f.exists(), "{} was deleted", f.display());
    }
}

/// `fairaudit audit` of `log.csv` in `cwd` with `extra` arguments; returns exit code and stderr.
fn audit_in(cwd: &Path, log: &Path, extra: &[&str]) -> (i32, String) {
    let out = fairaudit()
        .current_dir(cwd)
        .arg("audit")
        .args(args(log, "y", "g").list())
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn force_never_replaces_the_working_directory_an_ancestor_home_or_an_input() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    let deep = work.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    let kept = dummies(&work);
    let log = work.join("log.csv");
    let cwd = work.to_str().unwrap().to_string();
    for out in [".", "./", cwd.as_str(), "sub/..", "../work"] {
        let (code, err) = audit_in(&work, &log, &["--out", out, "--force"]);
        assert_eq!(code, 2, "--out {out}: {err}");
        assert!(err.contains("working directory"), "--out {out}: {err}");
        all_survive(&kept);
    }
    // An ancestor of the working directory.
    let (code, err) = audit_in(&deep, &log, &["--out", &cwd, "--force"]);
    assert_eq!(code, 2, "{err}");
    all_survive(&kept);
    // A directory holding an input, from elsewhere.
    let (code, err) = audit_in(root.path(), &log, &["--out", "work", "--force"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds an input"), "{err}");
    all_survive(&kept);
    // The home directory.
    let home = root.path().join("home");
    let home_files = dummies(&home);
    let out = fairaudit()
        .current_dir(root.path())
        .env("HOME", &home)
        .arg("audit")
        .args(args(&log, "y", "g").list())
        .args(["--out", home.to_str().unwrap(), "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("home directory"));
    all_survive(&home_files);
    all_survive(&kept);
}

#[test]
fn a_dangling_symlink_as_out_is_named() {
    let root = tempfile::tempdir().unwrap();
    let kept = dummies(root.path());
    std::os::unix::fs::symlink(root.path().join("nowhere"), root.path().join("out")).unwrap();
    let log = root.path().join("log.csv");
    let (code, err) = audit_in(root.path(), &log, &["--out", "out", "--force"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("out: is a symbolic link to nothing"), "{err}");
    assert!(!root.path().join("nowhere").exists());
    all_survive(&kept);
}

#[test]
fn force_replaces_an_earlier_bundle_and_nothing_else() {
    let root = tempfile::tempdir().unwrap();
    let kept = dummies(root.path());
    let log = root.path().join("log.csv");
    let (code, err) = audit_in(root.path(), &log, &["--out", "bundle"]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = audit_in(root.path(), &log, &["--out", "bundle", "--force"]);
    assert_eq!(code, 0, "{err}");
    // Nothing is left behind beside it.
    let hidden: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".fairaudit"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    // A file the manifest does not list makes it not a bundle any more.
    write(&root.path().join("bundle"), "mine.txt", "not fairaudit's");
    let (code, err) = audit_in(root.path(), &log, &["--out", "bundle", "--force"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("mine.txt is not listed in its manifest"),
        "{err}"
    );
    assert!(root.path().join("bundle/mine.txt").exists());
    all_survive(&kept);
}

/// A process id that no process has.
fn dead_pid() -> u32 {
    (4_000_000..)
        .find(|p| !Path::new("/proc").join(p.to_string()).exists())
        .unwrap()
}

#[test]
fn staging_left_by_a_killed_run_is_cleaned_up_and_a_bundle_set_aside_is_named() {
    let root = tempfile::tempdir().unwrap();
    let kept = dummies(root.path());
    let log = root.path().join("log.csv");
    let pid = dead_pid();
    let stale = root.path().join(format!(".fairaudit-{pid}-x1y2z3"));
    std::fs::create_dir_all(stale.join("charts")).unwrap();
    write(&stale, "report.md", "half written");
    let (code, err) = audit_in(root.path(), &log, &["--out", "bundle"]);
    assert_eq!(code, 0, "{err}");
    assert!(!stale.exists());
    // A live run's staging directory is left alone.
    let live = root
        .path()
        .join(format!(".fairaudit-{}-live", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    // An earlier bundle set aside by a killed run is the user's: named, never removed.
    let aside = root.path().join(format!(".fairaudit-{pid}-old-abc"));
    std::fs::create_dir(&aside).unwrap();
    write(&aside, "report.md", "last month's evidence");
    let (code, err) = audit_in(root.path(), &log, &["--out", "bundle", "--force"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!(".fairaudit-{pid}-old-abc")), "{err}");
    assert!(aside.join("report.md").exists() && live.exists());
    all_survive(&kept);
}

#[test]
fn two_runs_on_the_same_new_directory_exactly_one_wins() {
    let root = tempfile::tempdir().unwrap();
    let kept = dummies(root.path());
    let log = root.path().join("log.csv");
    let binary = env!("CARGO_BIN_EXE_fairaudit");
    for attempt in 0..12 {
        let out = format!("race{attempt}");
        let start = || {
            Command::new(binary)
                .current_dir(root.path())
                .arg("audit")
                .args(args(&log, "y", "g").list())
                .args(["--out", &out, "--bootstrap", "0"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        let results = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let codes: Vec<i32> = results.iter().map(|r| r.status.code().unwrap()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 2], "attempt {attempt}: {codes:?}");
        let loser = results.iter().find(|r| r.status.code() == Some(2)).unwrap();
        let err = String::from_utf8_lossy(&loser.stderr);
        assert!(err.contains("exists"), "{err}");
        assert!(root.path().join(&out).join("manifest.json").exists());
    }
    all_survive(&kept);
}

#[test]
fn numeric_options_are_validated() {
    let root = tempfile::tempdir().unwrap();
    let log = write(root.path(), "log.csv", "y,s,g\n1,0.5,a\n0,0.7,b\n");
    let out = root.path().join("out");
    for (flag, value, says) in [
        ("--min-group-size", "NaN", "--min-group-size NaN"),
        ("--min-group-share", "NaN", "--min-group-share NaN"),
        ("--min-group-share", "2", "--min-group-share 2"),
        ("--bootstrap", "2000000000", "at most 100000"),
        ("--min-cell", "-1", "--min-cell -1"),
        ("--confidence", "NaN", "--confidence NaN"),
        ("--di-threshold", "NaN", "--di-threshold NaN"),
    ] {
        let err = args(&log, "y", "g").with(flag, value).fails(&out);
        assert!(err.contains(says), "{flag} {value}: {err}");
    }
    let score = |threshold: &str| {
        fails(
            &out,
            &[
                "--data",
                log.to_str().unwrap(),
                "--score",
                "s",
                "--threshold",
                threshold,
                "--protected",
                "g",
            ],
        )
    };
    assert!(score("NaN").contains("--threshold NaN: must be a finite number"));
    assert!(score("inf").contains("must be a finite number"));
    let config = write(
        root.path(),
        "audit.toml",
        "data = \"log.csv\"\nscore = \"s\"\nthreshold = nan\nprotected = \"g\"\n",
    );
    let err = fails(&out, &["--config", config.to_str().unwrap()]);
    assert!(err.contains("--threshold NaN"), "{err}");
}

#[test]
fn settings_files_are_capped_and_must_be_regular_files() {
    let root = tempfile::tempdir().unwrap();
    let log = write(root.path(), "log.csv", "y,g\n1,a\n0,b\n");
    let out = root.path().join("out");
    let started = std::time::Instant::now();
    let err = fails(&out, &["--config", "/dev/zero"]);
    assert!(
        err.contains("/dev/zero: the config file is not a regular file"),
        "{err}"
    );
    let err = args(&log, "y", "g")
        .with("--findings", "/dev/zero")
        .fails(&out);
    assert!(
        err.contains("/dev/zero: the findings file is not a regular file"),
        "{err}"
    );
    let big = write(root.path(), "big.toml", &"# padding\n".repeat(120_000));
    let err = fails(&out, &["--config", big.to_str().unwrap()]);
    assert!(err.contains("larger than 1 MiB"), "{err}");
    // Refused at once, not after reading until memory runs out.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn formulas_and_hidden_characters_in_names_are_neutralised() {
    let root = tempfile::tempdir().unwrap();
    let mut csv = String::from("y,\"team\u{1b}[31m\"\n");
    for g in [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "nul\u{0}here",
        "abc\u{202e}fed",
    ] {
        for k in 0..40 {
            csv += &format!("{},\"{}\"\n", k % 2, g.replace('"', "\"\""));
        }
    }
    let log = write(root.path(), "log.csv", &csv);
    let out = root.path().join("out");
    args(&log, "y", "team\u{1b}[31m").run(&out);
    let table = std::fs::read_to_string(out.join("tables/1_team__31m_groups.csv")).unwrap();
    assert!(table.starts_with("team\\u{1b}[31m,"), "{table}");
    assert!(
        table.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{table}"
    );
    for file in ["report.md", "report.html", "tables/1_team__31m_groups.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            !text.contains(['\u{0}', '\u{1b}', '\u{202e}']),
            "{file} holds a hidden character"
        );
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("nul\\\\u{0}here") && report.contains("abc\\\\u{202e}fed"));
    let mut svgs = Vec::new();
    fairaudit::bundle::verify::list_files(&out, &out, &mut svgs);
    for svg in svgs.iter().filter(|f| f.ends_with(".svg")) {
        let text = std::fs::read_to_string(out.join(svg)).unwrap();
        assert!(!text.contains(['\u{0}', '\u{1b}', '\u{202e}']), "{svg}");
    }
    // An error message never carries the escape sequence to the terminal.
    let err = args(&log, "y", "missing\u{1b}[2J").fails(&root.path().join("none"));
    assert!(
        !err.contains('\u{1b}') && err.contains("missing\\u{1b}[2J"),
        "{err}"
    );
}

#[test]
fn charts_stay_bounded_with_huge_names_and_many_groups() {
    let root = tempfile::tempdir().unwrap();
    let long = "x".repeat(1_000_000);
    let mut csv = String::from("y,g\n");
    for k in 0..60 {
        csv += &format!(
            "{},{}\n",
            k % 2,
            if k < 30 { long.as_str() } else { "short" }
        );
    }
    let log = write(root.path(), "long.csv", &csv);
    let out = root.path().join("long");
    args(&log, "y", "g").run(&out);
    let svg = std::fs::read_to_string(out.join("charts/selection_rate_1_g.svg")).unwrap();
    assert!(svg.len() < 200_000, "{} bytes", svg.len());
    assert!(svg.contains(&format!("{}…", "x".repeat(59))));
    // 300 × 300 values: 90,000 groups in the intersection; the charts draw the 60 largest.
    let mut csv = String::from("y,a,b\n");
    for i in 0..90_000 {
        csv += &format!("{},a{},b{}\n", i % 2, i % 300, i / 300);
    }
    csv += &"1,a0,b0\n".repeat(5);
    let log = write(root.path(), "many.csv", &csv);
    let out = root.path().join("many");
    args(&log, "y", "a,b")
        .with("--bootstrap", "0")
        .with("--min-group-size", "1")
        .run(&out);
    let svg = std::fs::read_to_string(out.join("charts/selection_rate_1_a_x_b.svg")).unwrap();
    assert!(svg.contains("(the 60 largest of 90000 groups)"));
    assert!(svg.contains("a0, b0"), "the largest group is drawn");
}

#[test]
fn verify_stays_inside_the_bundle_and_never_hangs() {
    let root = tempfile::tempdir().unwrap();
    let log = write(
        root.path(),
        "log.csv",
        &("y,g\n".to_string() + &"1,a\n0,b\n".repeat(30)),
    );
    let fresh = |name: &str| {
        let out = root.path().join(name);
        args(&log, "y", "g").run(&out);
        out
    };
    let verify = |dir: &Path| {
        let out = fairaudit()
            .args(["verify", "--outputs-only"])
            .arg(dir)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    // A link to / is reported, not followed.
    let out = fresh("link");
    std::os::unix::fs::symlink("/", out.join("root")).unwrap();
    let (code, text) = verify(&out);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("added: root"), "{text}");
    // A FIFO in place of a listed file is changed, and does not block.
    let out = fresh("fifo");
    std::fs::remove_file(out.join("report.md")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(out.join("report.md"))
        .status()
        .unwrap()
        .success());
    let (code, text) = verify(&out);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("changed: report.md"), "{text}");
    // A listed path that leaves the bundle is refused.
    let out = fresh("escape");
    let manifest = out.join("manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let escaped = text.replacen(
        "\"path\": \"report.md\"",
        "\"path\": \"../../etc/hostname\"",
        1,
    );
    std::fs::write(&manifest, escaped).unwrap();
    let (code, text) = verify(&out);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("not a path inside the bundle"), "{text}");
    // A manifest listing nothing, with every file deleted, is not "verified".
    let out = fresh("empty");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    m["outputs"] = serde_json::json!([]);
    for f in std::fs::read_dir(&out).unwrap() {
        let p = f.unwrap().path();
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }
    std::fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    let (code, text) = verify(&out);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("lists no outputs"), "{text}");
}
