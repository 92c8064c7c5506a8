//! Frames from Python: any object with `__arrow_c_stream__` (a polars or pandas DataFrame, a
//! pyarrow Table) becomes a Polars DataFrame over the same buffers, through the Arrow C stream
//! interface: no copy and no temporary file.

use fairaudit::error::AuditError;
use polars::prelude::{DataFrame, PolarsError, PolarsResult};
use polars_arrow::array::{new_empty_array, Array, StructArray};
use polars_arrow::datatypes::ArrowDataType;
use polars_arrow::ffi::{ArrowArrayStream, ArrowArrayStreamReader};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The name the Arrow C stream interface gives its capsule.
const STREAM: &std::ffi::CStr = c"arrow_array_stream";

/// The frame called `name` whose parts, in order, `parts` hand over as Arrow C streams. A
/// Python error is one of the objects'; the inner one the frame's (a name that occurs twice, a
/// type Polars lacks, parts that do not fit together).
pub fn import(parts: &[Bound<'_, PyAny>], name: &str) -> PyResult<anyhow::Result<DataFrame>> {
    let mut frame: Option<DataFrame> = None;
    for part in parts {
        let part = match stream(part, name)? {
            Ok(part) => part,
            Err(e) => return Ok(Err(e)),
        };
        match &mut frame {
            None => frame = Some(part),
            Some(frame) => {
                if let Err(e) = frame.vstack_mut_owned(part) {
                    return Ok(Err(read_error(name, e)));
                }
            }
        }
    }
    Ok(frame.ok_or_else(|| anyhow::anyhow!("{name}: no frame was handed over")))
}

/// The frame `object` hands over as an Arrow C stream.
fn stream(object: &Bound<'_, PyAny>, name: &str) -> PyResult<anyhow::Result<DataFrame>> {
    let capsule = object.call_method0("__arrow_c_stream__")?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_stream__ did not return a capsule"))?;
    let pointer = capsule.pointer_checked(Some(STREAM))?;
    // The stream is moved out of the capsule, which is left released: it is read, and released,
    // here.
    let stream = unsafe {
        std::ptr::replace(
            pointer.as_ptr().cast::<ArrowArrayStream>(),
            ArrowArrayStream::empty(),
        )
    };
    Ok(read(stream, name))
}

/// The stream's record batches as one frame (each batch a chunk).
fn read(stream: ArrowArrayStream, name: &str) -> anyhow::Result<DataFrame> {
    let failed = |e: PolarsError| read_error(name, e);
    let mut reader =
        unsafe { ArrowArrayStreamReader::try_new(Box::new(stream)) }.map_err(failed)?;
    if let ArrowDataType::Struct(fields) = &reader.field().dtype {
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = fields.iter().find(|f| !seen.insert(f.name.as_str())) {
            return Err(AuditError::DuplicateColumn {
                path: name.into(),
                column: twice.name.to_string(),
            }
            .into());
        }
    }
    Ok(batches(&mut reader).map_err(failed)?)
}

/// The error of a frame that cannot be read.
fn read_error(name: &str, e: PolarsError) -> anyhow::Error {
    AuditError::Read {
        path: name.into(),
        source: e,
    }
    .into()
}

/// The record batches `reader` gives, as one frame.
fn batches(reader: &mut ArrowArrayStreamReader<Box<ArrowArrayStream>>) -> PolarsResult<DataFrame> {
    let mut frame: Option<DataFrame> = None;
    while let Some(batch) = unsafe { reader.next() } {
        let batch = batch_frame(batch?.as_ref())?;
        match &mut frame {
            None => frame = Some(batch),
            Some(frame) => {
                frame.vstack_mut_owned(batch)?;
            }
        }
    }
    match frame {
        Some(frame) => Ok(frame),
        None => batch_frame(new_empty_array(reader.field().dtype.clone()).as_ref()),
    }
}

/// A record batch (a struct array, a field per column) as a frame.
fn batch_frame(batch: &dyn Array) -> PolarsResult<DataFrame> {
    let batch = batch
        .as_any()
        .downcast_ref::<StructArray>()
        .ok_or_else(|| {
            PolarsError::ComputeError("the Arrow stream is not of record batches".into())
        })?;
    DataFrame::try_from(batch.clone())
}
