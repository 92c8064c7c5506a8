"""fairaudit's Spark driver: runs the cell-table query of an audit where the log lives and writes
only the cell table (kilobytes) back. Run by `fairaudit audit --engine spark` through
`spark-submit` (local or a cluster) or, with --remote, through Spark Connect.

Arguments: QUERY_FILE DATA FORMAT OUT_CSV [--remote sc://host:port]. DATA is a path Spark reads
(a file or a directory, in FORMAT: csv, parquet or json) or the name of a table; the query reads
it as the view `fairaudit_log`.
"""

import csv
import sys

from pyspark.sql import SparkSession


def main(argv):
    query_file, data, fmt, out = argv[:4]
    builder = SparkSession.builder.appName("fairaudit tally")
    if len(argv) > 5 and argv[4] == "--remote":
        builder = builder.remote(argv[5])
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR") if hasattr(spark, "sparkContext") else None
    if fmt == "table":
        log = spark.table(data)
    elif fmt == "csv":
        # Every column as text, as fairaudit reads a CSV log, named as fairaudit names them.
        log = (
            spark.read.option("header", True)
            .option("inferSchema", False)
            .option("escape", '"')  # RFC 4180: a quote inside a quoted field is doubled
            .csv(data)
        )
        log = log.toDF(*_names(data))
    else:
        log = spark.read.format(fmt).load(data)
    log.createOrReplaceTempView("fairaudit_log")
    with open(query_file, encoding="utf-8") as f:
        cells = spark.sql(f.read())
    columns = cells.columns
    rows = cells.collect()
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else _text(v) for v in row])
    spark.stop()


def _names(path):
    """The columns of a CSV file as fairaudit names them: RFC 4180 header fields, a repeated
    name renamed `name_duplicated_0`, `name_duplicated_1`, ... as Polars does."""
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    seen, names = {}, []
    for name in header:
        if name in seen:
            names.append(f"{name}_duplicated_{seen[name]}")
            seen[name] += 1
        else:
            seen[name] = 0
            names.append(name)
    return names


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as error:  # one line for fairaudit's error message
        message = str(error).strip().splitlines()
        print(f"fairaudit-spark-error: {message[0] if message else type(error).__name__}", file=sys.stderr)
        sys.exit(1)
