//! The evidence bundle: `verify` catches any changed, added or removed file; pinned runs are
//! byte-identical; hostile names cannot break or inject into the report; small counts are
//! suppressed; earlier findings are followed up.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn bundle(dir: &Path, data: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("bundle");
    let mut args = vec![
        "--data",
        data.to_str().unwrap(),
        "--outcome",
        "y",
        "--label",
        "l",
        "--protected",
        "g",
        "--min-group-size",
        "1",
        "--timestamp",
        "2026-11-01T00:00:00Z",
    ];
    args.extend_from_slice(extra);
    audit(&out, &args);
    out
}

fn log(dir: &Path) -> PathBuf {
    let mut csv = String::from("y,l,g\n");
    for i in 0..200 {
        csv += &format!(
            "{},{},{}\n",
            u8::from(i % 3 == 0),
            u8::from(i % 2 == 0),
            if i < 120 {
                "a"
            } else if i < 197 {
                "b"
            } else {
                "c"
            }
        );
    }
    write(dir, "log.csv", &csv)
}

fn verify(out: &Path) -> (i32, String) {
    let o = fairaudit().arg("verify").arg(out).output().unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
    )
}

#[test]
fn verify_passes_on_a_fresh_bundle_and_names_any_changed_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = log(dir.path());
    let out = bundle(dir.path(), &data, &[]);
    let (code, text) = verify(&out);
    assert_eq!(code, 0, "{text}");
    let mut files = Vec::new();
    fairaudit::bundle::verify::list_files(&out, &out, &mut files);
    files.retain(|f| f != "manifest.json");
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        let path = out.join(f);
        let original = std::fs::read(&path).unwrap();
        let mut changed = original.clone();
        changed[original.len() / 2] ^= 1;
        std::fs::write(&path, &changed).unwrap();
        let (code, text) = verify(&out);
        assert_eq!(code, 1, "{f}: {text}");
        assert!(text.contains(&format!("changed: {f}")), "{f}: {text}");
        std::fs::write(&path, &original).unwrap();
    }
    // The input file too.
    let original = std::fs::read(&data).unwrap();
    std::fs::write(&data, [&original[..], b"1,1,a\n"].concat()).unwrap();
    let (code, text) = verify(&out);
    assert!(
        code == 1 && text.contains("changed: ") && text.contains("log.csv (input)"),
        "{text}"
    );
    std::fs::write(&data, &original).unwrap();
    // Added and removed files.
    std::fs::write(out.join("extra.txt"), "x").unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    let (code, text) = verify(&out);
    assert!(
        code == 1 && text.contains("added: extra.txt") && text.contains("removed: report.html"),
        "{text}"
    );
}

#[test]
fn source_date_epoch_pins_the_bundle_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = log(dir.path());
    let run = |name: &str| {
        let out = dir.path().join(name);
        fairaudit()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args([
                "audit",
                "--data",
                data.to_str().unwrap(),
                "--outcome",
                "y",
                "--protected",
                "g",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("manifest.json")).unwrap()
    };
    let (a, b) = (run("a"), run("b"));
    assert!(a == b);
    assert!(String::from_utf8(a)
        .unwrap()
        .contains("\"timestamp\": \"2023-11-14T22:13:20Z\""));
}

#[test]
fn hostile_names_cannot_break_or_inject() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("y,\"<b>grp</b>|x\",\"../../evil\"\n");
    for (i, g) in ["<script>alert(1)</script>", "a | b", "**x**"]
        .iter()
        .enumerate()
    {
        for k in 0..40 {
            csv += &format!("{},\"{g}\",v{}\n", u8::from(k % (i + 2) == 0), k % 2);
        }
    }
    let data = write(dir.path(), "hostile.csv", &csv);
    let out = dir.path().join("out");
    args(&data, "y", "<b>grp</b>|x")
        .with("--protected", "../../evil")
        .run(&out);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    // Outside the appendix's fenced configuration block (code, shown literally), no raw HTML.
    let fence = "`".repeat(3);
    let (before, rest) = report.split_once(&format!("{fence}json")).unwrap();
    let after = rest.split_once(&fence).unwrap().1;
    for part in [before, after] {
        assert!(
            !part.contains("<script>") && !part.contains("<b>"),
            "raw HTML in report.md"
        );
    }
    // Every row of the findings table keeps exactly its 7 columns: 8 pipes, none from a name.
    let table: Vec<&str> = report
        .lines()
        .filter(|l| {
            l.starts_with("| &lt;script")
                || l.starts_with("| a &#124; b")
                || l.starts_with("| \\*\\*x")
        })
        .collect();
    assert_eq!(table.len(), 3, "{report}");
    for row in table {
        assert_eq!(row.matches('|').count(), 8, "{row}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<b>grp"),
        "raw HTML in report.html"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Chart files stay inside the output directory.
    let mut files = Vec::new();
    fairaudit::bundle::verify::list_files(&out, &out, &mut files);
    assert!(files.iter().all(|f| !f.contains("..")), "{files:?}");
    assert!(
        files.contains(&"charts/selection_rate_2_______evil.svg".to_string()),
        "{files:?}"
    );
    assert!(!dir.path().join("evil").exists());
}

#[test]
fn small_counts_are_suppressed_in_report_and_tables_and_optionally_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = log(dir.path());
    let out = bundle(dir.path(), &data, &[]);
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("| c | ") && l.contains(" | <5 | ")),
        "{report}"
    );
    let table = std::fs::read_to_string(out.join("tables/1_g_groups.csv")).unwrap();
    assert!(
        table.lines().any(|l| l.starts_with("c,false,<5,")),
        "{table}"
    );
    assert_eq!(results(&out)["attribute_sets"][0]["groups"][2]["n"], 3);
    // Nothing from which the 3 people of c could be worked out: no share, rate or interval in
    // the report or the tables, no n in the charts.
    let row = report.lines().find(|l| l.starts_with("| c | ")).unwrap();
    assert!(!row.contains('%'), "{row}");
    let errors = std::fs::read_to_string(out.join("tables/1_g_error_rates.csv")).unwrap();
    for csv in [&table, &errors] {
        let csv_row = csv.lines().find(|l| l.starts_with("c,")).unwrap();
        let numbers = csv_row
            .split(',')
            .filter(|c| c.parse::<f64>().is_ok())
            .count();
        assert_eq!(numbers, 0, "{csv_row}");
    }
    for chart in [
        "selection_rate_1_g.svg",
        "ratio_1_g.svg",
        "error_rates_1_g.svg",
    ] {
        let svg = std::fs::read_to_string(out.join("charts").join(chart)).unwrap();
        assert!(!svg.contains("n=3"), "{chart}");
        assert!(svg.contains("c (n not shown)"), "{chart}");
    }
    let dir2 = tempfile::tempdir().unwrap();
    let out = bundle(dir2.path(), &data, &["--suppress-json"]);
    let r = results(&out);
    let c = &r["attribute_sets"][0]["groups"][2];
    for field in ["n", "pp", "group_share", "selection_rate", "tpr"] {
        assert!(c[field].is_null(), "{field}: {}", c[field]);
    }
    assert!(c["ci"]["selection_rate"].is_null());
    assert_eq!(r["audit"]["counts_suppressed_below"], 5.0);
}

#[test]
fn earlier_findings_are_followed_up_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = log(dir.path());
    let findings = write(
        dir.path(),
        "findings.toml",
        "[[finding]]\nfinding = \"Group b under-selected\"\nowner = \"Pricing team\"\naction = \"Remove area from the rule\"\ndue = \"2026-12-31\"\nstatus = \"in progress\"\n",
    );
    let out = bundle(
        dir.path(),
        &data,
        &["--findings", findings.to_str().unwrap()],
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Actions on earlier findings"));
    assert!(report
        .contains("| Group b under-selected | Pricing team | Remove area from the rule | 2026-12-31 | in progress |"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["role"] == "findings"));
    assert_eq!(manifest["configuration"]["stats"]["seed"], 20240601);
}

#[test]
fn a_signed_bundle_detects_a_rewritten_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("audit.key");
    fairaudit()
        .args(["keygen", "--out"])
        .arg(&key)
        .assert()
        .success();
    let public = dir.path().join("audit.key.pub");
    assert!(public.exists());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Keys are never overwritten.
    fairaudit()
        .args(["keygen", "--out"])
        .arg(&key)
        .assert()
        .code(2);
    let data = log(dir.path());
    let out = bundle(dir.path(), &data, &["--sign", key.to_str().unwrap()]);
    assert!(out.join("manifest.json.sig").exists());
    let check = |key: Option<&std::path::Path>| {
        let mut cmd = fairaudit();
        cmd.args(["verify", "--outputs-only"]).arg(&out);
        if let Some(k) = key {
            cmd.arg("--key").arg(k);
        }
        let o = cmd.output().unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8(o.stdout).unwrap(),
        )
    };
    let (code, text) = check(Some(&public));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("signature: good"), "{text}");
    // Rewrite a report and its manifest entry: the hashes match again, the signature does not.
    let report = out.join("report.md");
    let forged = std::fs::read_to_string(&report).unwrap() + "\nAll groups pass.\n";
    std::fs::write(&report, &forged).unwrap();
    let manifest_path = out.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    for f in manifest["outputs"].as_array_mut().unwrap() {
        if f["path"] == "report.md" {
            f["sha256"] = fairaudit::hash::sha256_hex(forged.as_bytes()).into();
            f["size_bytes"] = forged.len().into();
        }
    }
    std::fs::write(
        &manifest_path,
        serde_json::to_string_pretty(&manifest).unwrap() + "\n",
    )
    .unwrap();
    let (code, text) = check(None);
    assert_eq!(code, 0, "without a key the forgery verifies: {text}");
    assert!(text.contains("present but not checked"), "{text}");
    let (code, text) = check(Some(&public));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("signature: BAD"), "{text}");
    // Another key does not vouch for it either; an unsigned bundle is an error with a key.
    let other = dir.path().join("other.key");
    fairaudit()
        .args(["keygen", "--out"])
        .arg(&other)
        .assert()
        .success();
    std::fs::remove_file(&manifest_path).unwrap();
    let unsigned = bundle(&dir.path().join("u"), &data, &[]);
    let o = fairaudit()
        .args(["verify", "--outputs-only", "--key"])
        .arg(dir.path().join("other.key.pub"))
        .arg(&unsigned)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the bundle is not signed"));
}

#[test]
fn the_workbook_holds_every_table_with_numbers_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let data = log(dir.path());
    let out = bundle(dir.path(), &data, &[]);
    // Read the workbook's XML with Python's standard zipfile (an xlsx is a zip of XML parts).
    let script = "import zipfile, sys\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        print(z.read('xl/workbook.xml').decode())\n\
        print(z.read('xl/worksheets/sheet2.xml').decode())";
    let read = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(out.join("tables.xlsx"))
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let xml = String::from_utf8(read.stdout).unwrap();
    for sheet in [
        "executive_summary",
        "1 g_groups",
        "2 g_error_rates",
        "3 g_between_groups",
    ] {
        assert!(
            xml.contains(&format!("name=\"{sheet}\"")),
            "no sheet {sheet}: {xml}"
        );
    }
    // Group a's n (120) is a number in the groups sheet, not text (text cells have t="s").
    let cell = xml
        .split("<c r=\"C2\"")
        .nth(1)
        .and_then(|rest| rest.split("</c>").next())
        .unwrap();
    assert!(
        cell.contains("<v>120</v>") && !cell.contains("t=\"s\""),
        "{cell}"
    );
    // The workbook is listed in the manifest like every other output.
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"path\": \"tables.xlsx\""));
}
