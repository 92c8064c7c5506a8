//! `fairaudit._fairaudit`: the Python package's native side. A thin layer over the library's
//! front end: the keyword arguments become the same options as the command line's flags and
//! the `--config` file's keys ([`AuditArgs`], one list), the same audit runs, and the same
//! bundle is written. No number is computed here.

use fairaudit::bundle::run::{write_bundle, BundleOptions};
use fairaudit::error::AuditError;
use fairaudit::front::one_line;
use fairaudit::front::options::AuditArgs;
use fairaudit::render::RunContext;
use fairaudit::results::AuditResults;
use fairaudit::spec::{AuditSpec, LogFrame};
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

mod frame;

create_exception!(
    _fairaudit,
    InputError,
    PyValueError,
    "Bad input: the command line's exit-2 error, with the same one-line message."
);
create_exception!(
    _fairaudit,
    InternalError,
    PyRuntimeError,
    "A fault of fairaudit itself (a panic caught before it reached Python): please report it."
);

/// Runs `work` with Python free to go on in other threads; an error becomes [`InputError`]
/// with the command line's message, a panic [`InternalError`].
fn guarded<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> anyhow::Result<T> + Send,
) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(work))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(input_error(py, &e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            Err(InternalError::new_err(format!(
                "fairaudit failed inside ({what})"
            )))
        }
    }
}

/// [`InputError`] with the command line's one-line message, and as attributes the file, the
/// column and the values the error names (`None` and `[]` when it names none).
fn input_error(py: Python<'_>, e: &anyhow::Error) -> PyErr {
    let err = InputError::new_err(fairaudit::value::visible(&one_line(e)).into_owned());
    let subject = e
        .chain()
        .find_map(|cause| cause.downcast_ref::<AuditError>())
        .map(AuditError::subject)
        .unwrap_or_default();
    let value = err.value(py);
    let file = subject.file.map(|f| f.display().to_string());
    for (name, set) in [
        ("file", value.setattr("file", file)),
        ("column", value.setattr("column", subject.column)),
        ("values", value.setattr("values", subject.values)),
    ] {
        if let Err(failed) = set {
            return InternalError::new_err(format!(
                "fairaudit could not set InputError.{name}: {failed}"
            ));
        }
    }
    err
}

/// An audit run from Python: its options, definition, context and results, kept so that the
/// bundle can be written later without auditing again.
#[pyclass(frozen)]
struct Audited {
    args: AuditArgs,
    spec: AuditSpec,
    ctx: RunContext,
    results: AuditResults,
}

#[pymethods]
impl Audited {
    /// `results.json`, exactly as the bundle holds it.
    fn results_json(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            let bytes = fairaudit::render::results_json(&self.results, &self.ctx)?;
            Ok(String::from_utf8(bytes)?)
        })
    }

    /// The decision sheet: a line per check, as the command line prints it.
    fn sheet(&self) -> Vec<String> {
        fairaudit::render::decision_sheet_lines(&self.results, &self.ctx)
    }

    /// Writes the evidence bundle into `out` (refused when it exists, unless `force`), signed
    /// with the Ed25519 key at `sign` when given; returns the bundle's directory.
    #[pyo3(signature = (out, sign=None, force=false))]
    fn write(
        &self,
        py: Python<'_>,
        out: PathBuf,
        sign: Option<PathBuf>,
        force: bool,
    ) -> PyResult<String> {
        guarded(py, || {
            let options = BundleOptions {
                force: force || self.args.force,
                sign: sign.or_else(|| self.args.sign.clone()),
                ..self.args.bundle_options(out.clone())
            };
            write_bundle(&self.spec, self.results.clone(), self.ctx.clone(), &options)?;
            Ok(out.display().to_string())
        })
    }
}

/// Audits a decision log. `options` is a JSON object of the audit's options under their
/// `--config` names (`outcome`, `protected`, `label-means`, ...); `config` a TOML file whose keys
/// the options override, as flags override it on the command line. With `frame` (objects
/// offering `__arrow_c_stream__`, the parts of one frame in order), the log is that frame,
/// called `name`, instead of a file.
#[pyfunction]
#[pyo3(signature = (options, config=None, frame=None, name=None))]
fn audit(
    py: Python<'_>,
    options: &str,
    config: Option<PathBuf>,
    frame: Option<Vec<Bound<'_, PyAny>>>,
    name: Option<String>,
) -> PyResult<Audited> {
    let name = name.unwrap_or_else(|| "frame".into());
    let frame = match &frame {
        Some(parts) => Some(frame::import(parts, &name)?),
        None => None,
    };
    guarded(py, || {
        let mut args: AuditArgs = serde_json::from_str(options)
            .map_err(|e| anyhow::anyhow!("invalid options: {}", python_names(&e.to_string())))?;
        args.config = config;
        let args = args.merged()?;
        let spec = match frame {
            Some(frame) => args.spec_of_frame(LogFrame::new(name, frame?))?,
            None => args.spec()?,
        };
        let ctx = args.context(&spec, Vec::new())?;
        let results = fairaudit::audit::run(&spec)?;
        Ok(Audited {
            args,
            spec,
            ctx,
            results,
        })
    })
}

/// The audit's option names, as the `--config` file spells them (the keywords with `-` for `_`).
#[pyfunction]
fn option_names() -> Vec<&'static str> {
    fairaudit::front::options::option_names()
}

/// A metric's name in words (`tpr` is "true positive rate"), as the decision sheet says it; the
/// name itself when it is no metric's.
#[pyfunction]
fn metric_words(name: &str) -> String {
    fairaudit::metric::Metric::from_name(name)
        .map(|m| m.words().to_string())
        .unwrap_or_else(|| name.to_string())
}

/// A self-check of the guard every call goes through: a panic inside it (here a deliberate one)
/// reaches Python as [`InternalError`], never as a crash of the interpreter.
#[pyfunction]
fn _check_panic_guard(py: Python<'_>) -> PyResult<()> {
    guarded(py, || -> anyhow::Result<()> {
        panic!("the panic guard's self-check")
    })
}

/// serde's word for a misspelt option, said in Python's names: `unknown field `label-mean``
/// becomes `unknown option `label_mean``, the names it lists are the keywords, and the JSON's
/// position (which the user never wrote) is left out.
fn python_names(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    let mut inside = false;
    message
        .replace("unknown field", "unknown option")
        .chars()
        .map(|c| match c {
            '`' => {
                inside = !inside;
                c
            }
            '-' if inside => '_',
            _ => c,
        })
        .collect()
}

#[pymodule]
fn _fairaudit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    fairaudit::tally::polars_engine::reserve_hot_groups();
    m.add_function(wrap_pyfunction!(audit, m)?)?;
    m.add_function(wrap_pyfunction!(option_names, m)?)?;
    m.add_function(wrap_pyfunction!(_check_panic_guard, m)?)?;
    m.add_function(wrap_pyfunction!(metric_words, m)?)?;
    m.add_class::<Audited>()?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("InternalError", m.py().get_type::<InternalError>())?;
    Ok(())
}
