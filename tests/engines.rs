//! Tallies computed where the log lives: `fairaudit sql`'s query run by DuckDB (its Python
//! package), `--cells` on the table it returns, and `--engine spark` on a local Spark (PySpark
//! with Debian's OpenJDK, installed by `.ci/run`). Each must give the Polars engine's
//! `results.json`, apart from the fields that name the engine and the input. A test whose engine
//! is missing fails, saying how to install it.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `query_file` in DuckDB over the CSV `log` (every column as text, as fairaudit reads a
/// CSV log) registered as the view `table`, and writes the cell table to `out` (Parquet or CSV by
/// its extension). Returns DuckDB's answer to `check` (a query run after), if any.
fn duckdb(query_file: &Path, log: &Path, table: &str, out: &Path, check: &str) -> String {
    let script = r#"
import sys
try:
    import duckdb
except ImportError:
    sys.exit("DuckDB's Python package is missing: run .ci/run, or pip install duckdb")
query_file, log, table, out, check = sys.argv[1:]
con = duckdb.connect()
con.execute("CREATE TABLE victims AS SELECT 1 AS x")
quoted = '"' + table.replace('"', '""') + '"'
log_text = log.replace("'", "''")
con.execute(f"CREATE VIEW {quoted} AS SELECT * FROM read_csv('{log_text}', all_varchar=true, header=true)")
query = open(query_file, encoding="utf-8").read()
fmt = "parquet" if out.endswith(".parquet") else "csv, HEADER"
con.execute(f"COPY ({query}) TO '{out}' (FORMAT {fmt})")
if check:
    print(con.execute(check).fetchall())
"#;
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(query_file)
        .arg(log)
        .arg(table)
        .arg(out)
        .arg(check)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "DuckDB failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `fairaudit sql ARGS --table TABLE --dialect DIALECT`, written to `dir/query.sql`.
fn sql(dir: &Path, table: &str, dialect: &str, args: &[&str]) -> PathBuf {
    let output = fairaudit()
        .arg("sql")
        .args(args)
        .args(["--table", table, "--dialect", dialect])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    write(dir, "query.sql", &String::from_utf8(output.stdout).unwrap())
}

/// `results.json` without what names the engine and the input.
fn comparable(mut r: Value) -> Value {
    r.as_object_mut().unwrap().remove("input");
    r
}

/// The same, also without the explanation, which a cell table (no rows) cannot give.
fn without_explanation(r: Value) -> Value {
    let mut r = comparable(r);
    let o = r.as_object_mut().unwrap();
    o.remove("explain");
    o["audit"]
        .as_object_mut()
        .unwrap()
        .remove("explain_left_out");
    r
}

/// The config of a bundled audit and the path of its log.
fn bundled(name: &str) -> (PathBuf, PathBuf) {
    let config = dataset(&format!("{name}.toml"));
    let text = std::fs::read_to_string(&config).unwrap();
    let data: toml::Table = toml::from_str(&text).unwrap();
    let log = dataset(data["data"].as_str().unwrap());
    (config, log)
}

#[test]
fn the_query_run_by_duckdb_gives_the_polars_audit_exactly() {
    // The bundled offers (label, control, intersection), pricing (control), COMPAS (a score
    // rule, label: the score audit over its ten values), bank (a score of 40,000 values: the
    // score audit over its bins by rank, ranked by DuckDB's window functions) and service (a dated log, by month) audits, and the quoted prices and waiting
    // times (numeric outcomes with controls: the moments table in the same answer), their cell
    // tables computed by DuckDB and read as Parquet or CSV.
    for (name, table_file) in [
        ("offers", "cells.parquet"),
        ("pricing", "cells.csv"),
        ("compas", "cells.parquet"),
        ("bank", "cells.csv"),
        ("service", "cells.parquet"),
        ("pricing_price", "cells.csv"),
        ("service_time", "cells.parquet"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (config, log) = bundled(name);
        let config = config.to_str().unwrap();
        let query = sql(dir.path(), "decisions", "duckdb", &["--config", config]);
        let cells = dir.path().join(table_file);
        duckdb(&query, &log, "decisions", &cells, "");
        let polars = audit(&dir.path().join("polars"), &["--config", config]);
        let elsewhere = audit(
            &dir.path().join("cells"),
            &["--config", config, "--cells", cells.to_str().unwrap()],
        );
        assert_eq!(elsewhere["input"]["engine"], "cells");
        assert_eq!(
            elsewhere["input"]["rows_read"],
            polars["input"]["rows_read"]
        );
        assert_eq!(
            without_explanation(elsewhere),
            without_explanation(polars),
            "{name}"
        );
        // The cell table is the input the manifest hashes, and the report says where the
        // tallies came from.
        let manifest = std::fs::read_to_string(dir.path().join("cells/manifest.json")).unwrap();
        assert!(manifest.contains(cells.to_str().unwrap()));
        let report = std::fs::read_to_string(dir.path().join("cells/report.md")).unwrap();
        assert!(
            report.contains("- **Tallies:** computed where the log lives"),
            "{name}"
        );
    }
}

/// The name of a table written to end the query and drop a table.
const HOSTILE_TABLE: &str = "log\"; DROP TABLE victims; --";

/// A log whose protected column's name and `--where` value are written to end the query and
/// drop a table, and the audit's flags.
fn hostile_log(dir: &Path) -> (PathBuf, Vec<String>) {
    let hostile = "sex\"); DROP TABLE victims; --";
    let value = "it's'); DROP TABLE victims; --";
    let mut csv = format!("y,\"{}\",region\n", hostile.replace('"', "\"\""));
    for i in 0..400 {
        let group = ["a", "b"][i % 2];
        let region = if i % 3 == 0 { value } else { "north" };
        let y = u8::from(i % (2 + i % 2 * 3) == 0);
        csv += &format!("{y},{group},\"{region}\"\n");
    }
    let log = write(dir, "log.csv", &csv);
    let flags = [
        "--data",
        log.to_str().unwrap(),
        "--outcome",
        "y",
        "--protected",
        hostile,
        "--where",
        &format!("region={value}"),
    ]
    .map(String::from)
    .to_vec();
    (log, flags)
}

#[test]
fn hostile_names_and_values_cannot_change_the_query() {
    // A column, a table and a --where value written to end the query and drop a table: quoted,
    // they are only names and a value, the table survives, and the audit is the Polars one.
    let dir = tempfile::tempdir().unwrap();
    let (log, flags) = hostile_log(dir.path());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    // Quoted as each dialect quotes: identifiers' quotes doubled (Spark: backquotes), text
    // literals' quotes doubled (Spark: escaped with a backslash).
    for (dialect, name, literal) in [
        ("duckdb", "\"sex\"\"); DROP", "'it''s''); DROP"),
        ("postgres", "\"sex\"\"); DROP", "'it''s''); DROP"),
        ("spark", "`sex\"); DROP", "'it\\'s\\'); DROP"),
    ] {
        let query =
            std::fs::read_to_string(sql(dir.path(), HOSTILE_TABLE, dialect, &flags)).unwrap();
        assert!(
            query.contains(name) && query.contains(literal),
            "{dialect}: {query}"
        );
    }
    let query = sql(dir.path(), HOSTILE_TABLE, "duckdb", &flags);
    let cells = dir.path().join("cells.parquet");
    let survivors = duckdb(
        &query,
        &log,
        HOSTILE_TABLE,
        &cells,
        "SELECT count(*) FROM victims",
    );
    assert_eq!(survivors.trim(), "[(1,)]");
    let mut with_cells: Vec<&str> = flags[2..].to_vec();
    with_cells.extend(["--cells", cells.to_str().unwrap()]);
    let elsewhere = audit(&dir.path().join("cells"), &with_cells);
    let polars = audit(&dir.path().join("polars"), &flags);
    assert_eq!(polars["input"]["rows_excluded"]["outside --where"], 266);
    assert_eq!(without_explanation(elsewhere), without_explanation(polars));
}

#[test]
fn a_cell_table_that_no_tally_could_give_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = "a0,decision,rows,w,w2\nx,1,10,10,10\nx,0,5,5,5\ny,1,4,4,4\ny,0,9,9,9\n";
    let cells = write(dir.path(), "good.csv", good);
    let r = args(&cells, "y", "g")
        .with("--cells", &cells)
        .run(&dir.path().join("fine"));
    assert_eq!(r["input"]["rows_read"], 28);
    let fails = |name: &str, text: &str| {
        let cells = write(dir.path(), name, text);
        args(&cells, "y", "g")
            .with("--cells", &cells)
            .fails(&dir.path().join("out"))
    };
    let line = fails("missing.csv", "a0,decision,rows,w\nx,1,10,10\n");
    assert!(
        line.contains("missing.csv: column 'w2': no such column"),
        "{line}"
    );
    let line = fails("negative.csv", "a0,decision,rows,w,w2\nx,1,-3,-3,-3\n");
    assert!(
        line.contains("negative.csv: column 'rows': row 1: -3 is not a count of 1 or more"),
        "{line}"
    );
    let line = fails(
        "sums.csv",
        "a0,decision,rows,w,w2\nx,1,10,10,10\nx,0,5,7,5\n",
    );
    assert!(
        line.contains("sums.csv: column 'w': row 2: w = 7, w2 = 5 do not fit rows = 5"),
        "{line}"
    );
    let line = fails("text.csv", "a0,decision,rows,w,w2\nx,1,ten,10,10\n");
    assert!(
        line.contains("text.csv: column 'rows': row 1: \"ten\" is not a number"),
        "{line}"
    );
}

#[test]
fn spark_gives_the_polars_audit_exactly() {
    // The offers, pricing, COMPAS, bank and quoted-price audits with their tallies computed on a
    // local Spark (two workers): only the cell table comes back, and every result is the Polars
    // engine's (bank: a score of 40,000 values, binned by Spark's rank windows). The offers and
    // bank audits explain their gaps (--features) on a sample of 3,000 rows, which Spark draws by
    // the same seeded hash, so the models and the remedies searched on them are the same too.
    for name in ["offers", "pricing", "compas", "bank", "pricing_price"] {
        let dir = tempfile::tempdir().unwrap();
        let (config, _) = bundled(name);
        let config = config.to_str().unwrap();
        let mut flags = vec!["--config", config];
        if matches!(name, "offers" | "bank") {
            flags.extend(["--explain-sample", "3000"]);
        }
        let polars = audit(&dir.path().join("polars"), &flags);
        let output = fairaudit()
            .arg("audit")
            .args(&flags)
            .args(["--engine", "spark", "--out"])
            .arg(dir.path().join("spark"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "Spark (PySpark and a Java runtime; .ci/run installs them): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // Seconds of work, but stderr is a pipe here: no progress is drawn on it.
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let spark = results(&dir.path().join("spark"));
        assert_eq!(spark["input"]["engine"], "spark");
        if matches!(name, "offers" | "bank") {
            assert_eq!(spark["explain"]["sample"]["rows"], 3000);
            // Their failing sets are searched for remedies on Spark's sample: the candidates,
            // their verdicts and the best option are compared below with the Polars audit's.
            let searched = spark["explain"]["remedies"].as_array().unwrap();
            assert!(
                searched
                    .iter()
                    .any(|set| set["candidates"].as_array().is_some_and(|c| c.len() > 1)),
                "{name}: {searched:?}"
            );
        }
        assert_eq!(comparable(spark), comparable(polars), "{name}");
        let report = std::fs::read_to_string(dir.path().join("spark/report.md")).unwrap();
        assert!(
            report.contains("tallied on Apache Spark where it lives"),
            "{name}"
        );
    }
    // A column name and a --where value written to break out of the query stay a name and a
    // value on Spark too.
    let dir = tempfile::tempdir().unwrap();
    let (_, flags) = hostile_log(dir.path());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let polars = audit(&dir.path().join("polars"), &flags);
    let mut on_spark = flags.clone();
    on_spark.extend(["--engine", "spark"]);
    let spark = audit(&dir.path().join("spark"), &on_spark);
    assert_eq!(comparable(spark), comparable(polars));
}
