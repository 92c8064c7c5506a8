//! The tally of a log with a score audit, in one pass of our own over the batches Polars streams.
//!
//! A score's bins make tens of thousands of cells, and its bins by rank need the log's scores
//! before the cells can be keyed: with Polars alone that is a pass to select the cut points and a
//! `group_by` whose grouping by several keys (each row's keys encoded as bytes, hashed and
//! compared) costs as much as the rest of the audit. Here one pass codes each row's other keys (the
//! attributes, the decision, the label…) as a small number, its *head*, and keeps each row's head
//! and score (9 bytes a row while there are at most 256 heads, 12 after); the batches are coded on
//! threads of their own while Polars reads on, and the threads' passes are merged by value at the
//! end. The kept scores are then counted in a fine grid, which locates the cut points; each row's
//! cell, head × score key, is tallied in parallel in the same pass that gathers the values the cut
//! points are selected among (a row whose grid cell holds a cut point waits for it). The frame it
//! returns is the one the Polars engine's `group_by(keys).agg(…)` would (the same cells and sums,
//! in another order), for a plan without weights, memberships or checks (the engine runs Polars'
//! for those).

use super::cells::{fixed, SUM_SCALE};
use super::score_keys::{cut_positions, ordered_bits, Cuts, Located, Place, ScoreKeying};
use crate::error::Result;
use crate::load::read_error;
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Bits of a key column's code in a head: a column takes at most 65,535 values (code 0 is
/// null), and a head at most 8 key columns.
const CODE_BITS: usize = 16;

/// The bits of one code.
const CODE_MASK: usize = (1 << CODE_BITS) - 1;

/// Most key columns a head holds.
pub const MAX_KEYS: usize = 128 / CODE_BITS;

/// The names of the frame's columns, as the Polars engine's `group_by` names them.
pub struct Names<'a> {
    /// The score key.
    pub key: &'a str,
    /// The rows (also the weights and their squares, which are the rows without a weight).
    pub rows: [&'a str; 3],
    /// The smallest score.
    pub min: &'a str,
    /// The largest score.
    pub max: &'a str,
    /// Σ score in units of 1/[`SUM_SCALE`] (each score truncated to them, as [`fixed`] does).
    pub sum: &'a str,
}

/// The cells of `frame` grouped by `keys` and the score key of `score` (a number column, null
/// or NaN where the score is not a number): the key columns, the score key, the rows and the scores'
/// least, greatest and fixed-point sum per cell. `None` when a key takes more values than a code
/// holds (the engine then runs Polars' `group_by`).
pub fn cells(
    path: &Path,
    frame: LazyFrame,
    keys: Vec<Expr>,
    score: Expr,
    names: &Names,
) -> Result<Option<DataFrame>> {
    let key_count = keys.len();
    let mut columns = keys;
    columns.push(score);
    // The batches are handed to threads of their own, so that Polars reads on while they are
    // tallied; each thread codes its batches its own way, and the passes are merged at the end.
    let (send, receive) = std::sync::mpsc::sync_channel::<DataFrame>(BATCHES_AHEAD);
    let receive = Arc::new(Mutex::new(receive));
    let failed = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..workers())
        .map(|_| {
            let (receive, failed) = (receive.clone(), failed.clone());
            std::thread::spawn(move || {
                let mut pass = Pass::new(key_count);
                while let Some(batch) = next_batch(&receive) {
                    if let Err(e) = pass.add(&batch) {
                        failed.store(true, Ordering::Relaxed);
                        return if pass.overflowed { Ok(pass) } else { Err(e) };
                    }
                }
                Ok(pass)
            })
        })
        .collect();
    let sender = Arc::new(Mutex::new(Some(send)));
    let sink = sender.clone();
    let callback = PlanCallback::new(move |batch: DataFrame| {
        if failed.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let open = sink.lock().map_err(|_| stopped())?;
        match open.as_ref() {
            Some(send) => send.send(batch).map_err(|_| stopped())?,
            None => return Err(stopped()),
        }
        Ok(false)
    });
    let run = frame
        .select(columns)
        .sink_batches(callback, false, None)
        .and_then(|sunk| sunk.collect_with_engine(Engine::Streaming));
    sender
        .lock()
        .map_err(|_| read_error(path, stopped()))?
        .take();
    let mut passes = Vec::with_capacity(workers.len());
    for worker in workers {
        let pass = worker.join().map_err(|_| read_error(path, stopped()))?;
        passes.push(pass.map_err(|e| read_error(path, e))?);
    }
    if passes.iter().any(|p| p.overflowed) {
        return Ok(None);
    }
    run.map_err(|e| read_error(path, e))?;
    let mut pass = passes.remove(0);
    for other in passes {
        pass.absorb(other).map_err(|e| read_error(path, e))?;
    }
    if pass.overflowed {
        return Ok(None);
    }
    pass.frame(names).map(Some).map_err(|e| read_error(path, e))
}

/// The next batch for a pass's thread, `None` when there are no more.
fn next_batch(receive: &Mutex<std::sync::mpsc::Receiver<DataFrame>>) -> Option<DataFrame> {
    receive.lock().ok()?.recv().ok()
}

/// Threads that tally the batches: one per processor, at most 8 (the passes merge at the end).
fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(8))
}

/// Batches waiting for the pass's threads at most.
const BATCHES_AHEAD: usize = 4;

/// The error that stops the pass when a key takes more values than a code holds.
fn overflow() -> PolarsError {
    PolarsError::ComputeError("a key of the tally takes more than 65,535 values".into())
}

/// The error of a pass whose tally was left unfinished by a failure in another batch.
fn stopped() -> PolarsError {
    PolarsError::ComputeError("the tally stopped in the middle of a batch".into())
}

/// What the pass keeps: the key columns' codes, the heads seen, and each row's head and score.
struct Pass {
    coders: Vec<Coder>,
    index: HashMap<u128, u32, foldhash::fast::FixedState>,
    cache: Cache,
    heads: Vec<u128>,
    rows: Vec<Heads>,
    scores: Vec<Vec<f64>>,
    codes: Vec<u32>,
    numbers: Vec<u128>,
    overflowed: bool,
}

/// 2⁶³: a product below it in magnitude is cast to a 64-bit integer exactly as to a 128-bit one.
const I64_BOUND: f64 = 9_223_372_036_854_775_808.0;

/// One cell's sums.
#[derive(Debug, Clone, Copy)]
struct Sums {
    rows: u64,
    min: f64,
    max: f64,
    sum: i128,
}

impl Sums {
    const EMPTY: Sums = Sums {
        rows: 0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
        sum: 0,
    };

    fn add(&mut self, score: f64) {
        self.rows += 1;
        if !score.is_nan() {
            self.min = self.min.min(score);
            self.max = self.max.max(score);
            // The same truncation as `fixed`, by a cast to 64 bits where the product fits.
            let units = score * SUM_SCALE;
            self.sum += match units.abs() < I64_BOUND {
                true => units as i64 as i128,
                false => fixed(score),
            };
        }
    }

    fn merge(&mut self, other: &Sums) {
        self.rows += other.rows;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }
}

/// How a score finds its key's index: 0 for a score that is not a number, else 1 + the index of
/// its key among the keys in order.
enum Keys {
    /// Each distinct score is a key: its index by its bits (−0 as 0).
    Exact(HashMap<u64, usize, foldhash::fast::FixedState>),
    /// Each span between cut points and tenths is a key.
    Bins(Cuts),
}

impl Keys {
    /// The keys of `scores` keyed by `keying`, and the keys' values in order.
    fn new(keying: ScoreKeying, scores: &[&[f64]]) -> (Keys, Vec<f64>) {
        match keying {
            ScoreKeying::Exact => {
                let mut distinct: Vec<f64> = scores
                    .iter()
                    .flat_map(|chunk| chunk.iter())
                    .filter(|s| !s.is_nan())
                    .map(|s| s + 0.0)
                    .collect();
                distinct.sort_by(f64::total_cmp);
                distinct.dedup();
                let index = distinct
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.to_bits(), i + 1))
                    .collect();
                (Keys::Exact(index), distinct)
            }
            ScoreKeying::Bins(cuts) => {
                let values = cuts.span_keys().iter().map(|k| *k as f64).collect();
                (Keys::Bins(cuts), values)
            }
        }
    }

    /// The index of a score's key.
    #[inline]
    fn index(&self, score: f64) -> usize {
        if score.is_nan() {
            return NOT_A_NUMBER;
        }
        match self {
            Keys::Exact(index) => index[&(score + 0.0).to_bits()],
            Keys::Bins(cuts) => of_span(cuts.span(score)),
        }
    }
}

/// The index of the key of the scores that are not numbers.
const NOT_A_NUMBER: usize = 0;

/// The index of the key of the scores of a span between cut points and tenths.
#[inline]
fn of_span(span: usize) -> usize {
    span + 1
}

/// Per head, per score key (0: not a number), the cell's sums: head h's cells are
/// `cells[h * width..(h + 1) * width]`.
struct Table {
    width: usize,
    cells: Vec<Sums>,
}

impl Table {
    /// A table of `heads` heads of `width` empty cells each.
    fn new(heads: usize, width: usize) -> Table {
        Table {
            width,
            cells: vec![Sums::EMPTY; heads * width],
        }
    }

    /// Adds a batch's rows (their heads) and scores, each score in its key's cell.
    fn add(&mut self, rows: &Heads, scores: &[f64], keys: &Keys) {
        rows.each(scores, |h, s| self.put(h, keys.index(s), s));
    }

    /// Adds a score to head `h`'s cell of the key of index `key`.
    #[inline]
    fn put(&mut self, h: usize, key: usize, score: f64) {
        self.cells[h * self.width + key].add(score);
    }

    /// Adds the sums of another table of the same shape.
    fn merge(&mut self, other: &Table) {
        self.cells
            .iter_mut()
            .zip(&other.cells)
            .for_each(|(c, o)| c.merge(o));
    }
}

/// A run of batches placed before the cut points are known ([`Located`]): its table of the
/// rows whose span is known, the rows whose span is not yet known (head and score), and the
/// values the cut points are selected among, per slot.
struct Placed {
    table: Table,
    later: Vec<(u32, f64)>,
    gathered: Vec<Vec<u64>>,
}

impl Placed {
    fn merge(mut self, other: Placed) -> Placed {
        self.table.merge(&other.table);
        self.later.extend(other.later);
        self.gathered
            .iter_mut()
            .zip(other.gathered)
            .for_each(|(a, b)| a.extend(b));
        self
    }
}

/// The heads of a batch's rows, by their index among the heads a pass has seen: a byte each
/// while there are at most 256 (a quarter of the memory the pass keeps per row).
enum Heads {
    Bytes(Vec<u8>),
    Words(Vec<u32>),
}

impl Heads {
    /// `rows`, whose indices are below `heads`.
    fn new(rows: Vec<u32>, heads: usize) -> Heads {
        match heads <= 1 << u8::BITS {
            true => Heads::Bytes(rows.into_iter().map(|h| h as u8).collect()),
            false => Heads::Words(rows),
        }
    }

    /// Calls `f` with each row's head and score.
    #[inline]
    fn each(&self, scores: &[f64], mut f: impl FnMut(usize, f64)) {
        match self {
            Heads::Bytes(rows) => rows
                .iter()
                .zip(scores)
                .for_each(|(h, s)| f(*h as usize, *s)),
            Heads::Words(rows) => rows
                .iter()
                .zip(scores)
                .for_each(|(h, s)| f(*h as usize, *s)),
        }
    }

    /// Each row's head `h` as `to[h]`, indices below `heads`.
    fn mapped(self, to: &[u32], heads: usize) -> Heads {
        let rows = match self {
            Heads::Bytes(rows) => rows.into_iter().map(|h| to[h as usize]).collect(),
            Heads::Words(rows) => rows.into_iter().map(|h| to[h as usize]).collect(),
        };
        Heads::new(rows, heads)
    }
}

impl Pass {
    fn new(keys: usize) -> Pass {
        Pass {
            coders: (0..keys).map(|_| Coder::new()).collect(),
            index: HashMap::default(),
            cache: Cache::new(),
            heads: Vec::new(),
            rows: Vec::new(),
            scores: Vec::new(),
            codes: Vec::new(),
            numbers: Vec::new(),
            overflowed: false,
        }
    }

    /// Adds a batch: its key columns, then the score.
    fn add(&mut self, batch: &DataFrame) -> PolarsResult<()> {
        let columns = batch.columns();
        let mut numbers = std::mem::take(&mut self.numbers);
        numbers.clear();
        numbers.resize(batch.height(), 0);
        for (k, (coder, column)) in self.coders.iter_mut().zip(columns).enumerate() {
            coder.codes(column, &mut self.codes)?;
            if coder.values.len() >> CODE_BITS != 0 {
                self.overflowed = true;
                return Err(overflow());
            }
            for (n, c) in numbers.iter_mut().zip(&self.codes) {
                *n |= (*c as u128) << (CODE_BITS * k);
            }
        }
        let mut rows = Vec::with_capacity(numbers.len());
        for head in &numbers {
            rows.push(match self.cache.get(*head) {
                Some(h) => h,
                None => self.head(*head),
            });
        }
        self.numbers = numbers;
        self.rows.push(Heads::new(rows, self.heads.len()));
        let score = columns[self.coders.len()].as_materialized_series();
        let numbers = score.cast(&DataType::Float64)?;
        let mut scores = vec![f64::NAN; batch.height()];
        each_value(numbers.f64()?, |row, s| scores[row] = s);
        self.scores.push(scores);
        Ok(())
    }

    /// Takes in another pass over other batches of the same log: its values get this pass's
    /// codes, its heads this pass's indices.
    fn absorb(&mut self, other: Pass) -> PolarsResult<()> {
        let mut recoded: Vec<Vec<u32>> = Vec::with_capacity(self.coders.len());
        for (mine, theirs) in self.coders.iter_mut().zip(&other.coders) {
            let values = Series::from_any_values_and_dtype(
                theirs.name.clone(),
                &theirs.values,
                &theirs.dtype,
                true,
            )?;
            let mut codes = Vec::new();
            mine.codes(&values.into_column(), &mut codes)?;
            if mine.values.len() >> CODE_BITS != 0 {
                self.overflowed = true;
                return Ok(());
            }
            recoded.push(std::iter::once(0).chain(codes).collect());
        }
        let heads: Vec<u32> = other
            .heads
            .iter()
            .map(|head| {
                let number = recoded.iter().enumerate().fold(0u128, |n, (k, codes)| {
                    let code = (head >> (CODE_BITS * k)) as usize & CODE_MASK;
                    n | (codes[code] as u128) << (CODE_BITS * k)
                });
                self.head(number)
            })
            .collect();
        let seen = self.heads.len();
        self.rows
            .extend(other.rows.into_iter().map(|rows| rows.mapped(&heads, seen)));
        self.scores.extend(other.scores);
        Ok(())
    }

    /// The index of a head not in the cache, a new one when it is not yet seen.
    fn head(&mut self, head: u128) -> u32 {
        let next = self.heads.len() as u32;
        let h = *self.index.entry(head).or_insert(next);
        if h == next {
            self.heads.push(head);
        }
        self.cache.put(head, h);
        h
    }

    /// The cells as a frame.
    fn frame(self, names: &Names) -> PolarsResult<DataFrame> {
        let chunks: Vec<&[f64]> = self.scores.iter().map(Vec::as_slice).collect();
        let located = cut_positions(&chunks).and_then(|p| Located::new(&chunks, &p));
        let (values, table) = match located {
            Some(located) => self.tally_located(&located, &chunks),
            None => {
                let keying = ScoreKeying::of_score_chunks(&chunks);
                let (keys, values) = Keys::new(keying, &chunks);
                let table = self.tally(&keys, values.len() + 1);
                (values, table)
            }
        };
        self.columns(&table, &values, names)
    }

    /// The runs of consecutive batches, one per thread.
    fn runs(&self) -> impl IndexedParallelIterator<Item = (&[Heads], &[Vec<f64>])> {
        let batches = self.rows.len().div_ceil(workers()).max(1);
        self.rows
            .par_chunks(batches)
            .zip(self.scores.par_chunks(batches))
    }

    /// The keys' values and the table of a score binned by rank, in one pass over the rows
    /// while the cut points are selected: a row whose span `located` knows is tallied at once,
    /// the others (about one in 65) once the cut points are selected among the values gathered.
    fn tally_located(&self, located: &Located, chunks: &[&[f64]]) -> (Vec<f64>, Table) {
        let width = of_span(located.spans());
        let heads = self.heads.len();
        let empty = || Placed {
            table: Table::new(heads, width),
            later: Vec::new(),
            gathered: located.no_values(),
        };
        let placed = self
            .runs()
            .map(|(rows, scores)| {
                let mut run = empty();
                for (rows, scores) in rows.iter().zip(scores) {
                    rows.each(scores, |h, s| {
                        if s.is_nan() {
                            return run.table.put(h, NOT_A_NUMBER, s);
                        }
                        match located.place(s) {
                            Place::Span(span) => run.table.put(h, of_span(span), s),
                            Place::Gathered(k) => {
                                run.gathered[k].push(ordered_bits(s));
                                run.later.push((h as u32, s));
                            }
                            Place::Later => run.later.push((h as u32, s)),
                        }
                    });
                }
                run
            })
            .reduce_with(Placed::merge)
            .unwrap_or_else(empty);
        let cuts = Cuts::new(located.select(placed.gathered));
        let (keys, values) = Keys::new(ScoreKeying::Bins(cuts), chunks);
        let mut table = placed.table;
        for (h, s) in placed.later {
            table.put(h as usize, keys.index(s), s);
        }
        (values, table)
    }

    /// Each row in its cell: head × the index of its score's key. The batches are cut into one
    /// run of consecutive batches per thread, each tallied into a table of its own, sized once.
    fn tally(&self, keys: &Keys, width: usize) -> Table {
        self.runs()
            .map(|(rows, scores)| {
                let mut table = Table::new(self.heads.len(), width);
                for (rows, scores) in rows.iter().zip(scores) {
                    table.add(rows, scores, keys);
                }
                table
            })
            .reduce_with(|mut a, b| {
                a.merge(&b);
                a
            })
            .unwrap_or_else(|| Table::new(self.heads.len(), width))
    }

    /// The cells of `table` (those with rows) as the frame's columns, where `values` are the
    /// score keys' values in order.
    fn columns(&self, table: &Table, values: &[f64], names: &Names) -> PolarsResult<DataFrame> {
        let cells: Vec<(usize, usize, Sums)> = table
            .cells
            .iter()
            .enumerate()
            .filter(|(_, s)| s.rows > 0)
            .map(|(i, s)| (i / table.width, i % table.width, *s))
            .collect();
        let mut columns = Vec::new();
        for (k, coder) in self.coders.iter().enumerate() {
            let found: Vec<AnyValue> = cells
                .iter()
                .map(
                    |(h, _, _)| match (self.heads[*h] >> (CODE_BITS * k)) as usize & CODE_MASK {
                        0 => AnyValue::Null,
                        code => coder.values[code - 1].clone(),
                    },
                )
                .collect();
            columns.push(
                Series::from_any_values_and_dtype(coder.name.clone(), &found, &coder.dtype, true)?
                    .into_column(),
            );
        }
        let key = |k: usize| (k > 0).then(|| values[k - 1]);
        columns.push(
            Float64Chunked::from_iter_options(
                names.key.into(),
                cells.iter().map(|(_, k, _)| key(*k)),
            )
            .into_column(),
        );
        let rows: Vec<u64> = cells.iter().map(|(_, _, s)| s.rows).collect();
        for name in names.rows {
            columns.push(UInt64Chunked::from_slice(name.into(), &rows).into_column());
        }
        let scores =
            |f: fn(&Sums) -> f64| cells.iter().map(move |(_, k, s)| (*k > 0).then(|| f(s)));
        columns.push(
            Float64Chunked::from_iter_options(names.min.into(), scores(|s| s.min)).into_column(),
        );
        columns.push(
            Float64Chunked::from_iter_options(names.max.into(), scores(|s| s.max)).into_column(),
        );
        columns.push(
            Float64Chunked::from_iter_values(
                names.sum.into(),
                cells.iter().map(|(_, _, s)| s.sum as f64),
            )
            .into_column(),
        );
        DataFrame::new_infer_height(columns)
    }
}

/// Calls `f` with the row and the value of each of `values` that is not null.
pub(super) fn each_value<T: PolarsNumericType>(
    values: &ChunkedArray<T>,
    mut f: impl FnMut(usize, T::Native),
) {
    let mut start = 0;
    for array in values.downcast_iter() {
        match array.validity() {
            None => {
                for (i, v) in array.values().iter().enumerate() {
                    f(start + i, *v);
                }
            }
            Some(valid) => {
                for (i, v) in array.values().iter().enumerate() {
                    if valid.get_bit(i) {
                        f(start + i, *v);
                    }
                }
            }
        }
        start += array.len();
    }
}

/// A small direct-mapped cache of 128-bit numbers' codes, in front of a hash map.
struct Cache {
    slots: Vec<(u128, u32)>,
}

impl Cache {
    /// Slots of the cache.
    const SLOTS: usize = 256;

    fn new() -> Cache {
        Cache {
            slots: vec![(0, u32::MAX); Self::SLOTS],
        }
    }

    #[inline]
    fn slot(number: u128) -> usize {
        let mixed = (number as u64 ^ (number >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 56) as usize
    }

    #[inline]
    fn get(&self, number: u128) -> Option<u32> {
        let (seen, code) = self.slots[Self::slot(number)];
        (seen == number && code != u32::MAX).then_some(code)
    }

    fn put(&mut self, number: u128, code: u32) {
        self.slots[Self::slot(number)] = (number, code);
    }
}

/// Whole numbers below this are coded through a table indexed by the number itself.
const SMALL: i64 = 1 << CODE_BITS;

/// The codes of one key column's values: 0 for null, then 1, 2, … in the order values are
/// first seen. A whole number below [`SMALL`] is found in a table indexed by it, a text of at
/// most 12 bytes by its 16-byte view (Arrow's view of a short text holds the text itself,
/// zero-padded), a longer one by its bytes, anything else by its bits (a float's with −0 as 0
/// and one NaN).
struct Coder {
    name: PlSmallStr,
    dtype: DataType,
    small: Vec<u32>,
    cache: Cache,
    short: HashMap<u128, u32, foldhash::fast::FixedState>,
    long: HashMap<Box<[u8]>, u32, foldhash::fast::FixedState>,
    values: Vec<AnyValue<'static>>,
}

/// Codes a column of whole numbers, read by the accessor `$get`.
macro_rules! code_integers {
    ($coder:expr, $series:expr, $codes:expr, $get:ident) => {{
        let series = $series;
        let mut row = 0;
        for array in series.$get()?.downcast_iter() {
            let valid = array.validity();
            for (i, v) in array.values().iter().enumerate() {
                if valid.is_none_or(|valid| valid.get_bit(i)) {
                    let x = *v as i64;
                    $codes[row] = match $coder.small.get(x as usize) {
                        Some(code) if *code != 0 && x >= 0 => *code,
                        _ => $coder.integer_code(x, series, row)?,
                    };
                }
                row += 1;
            }
        }
    }};
}

impl Coder {
    fn new() -> Coder {
        Coder {
            name: PlSmallStr::EMPTY,
            dtype: DataType::Null,
            small: Vec::new(),
            cache: Cache::new(),
            short: HashMap::default(),
            long: HashMap::default(),
            values: Vec::new(),
        }
    }

    /// Writes the codes of `column`'s values into `codes` (cleared first).
    fn codes(&mut self, column: &Column, codes: &mut Vec<u32>) -> PolarsResult<()> {
        if self.values.is_empty() {
            self.name = column.name().clone();
            self.dtype = column.dtype().clone();
        }
        codes.clear();
        codes.resize(column.len(), 0);
        let series = column.as_materialized_series();
        match series.dtype() {
            DataType::String => {
                let text = series.str()?;
                let mut row = 0;
                for array in text.downcast_iter() {
                    let views = array.views();
                    if text.null_count() == 0 && views.iter().all(|v| v.length <= 12) {
                        for view in views.iter() {
                            let bits = view.as_u128();
                            codes[row] = match self.cache.get(bits) {
                                Some(code) => code,
                                None => self.short_code(bits, series, row)?,
                            };
                            row += 1;
                        }
                        continue;
                    }
                    for (view, value) in views.iter().zip(array.iter()) {
                        codes[row] = match value {
                            None => 0,
                            Some(_) if view.length <= 12 => {
                                self.short_code(view.as_u128(), series, row)?
                            }
                            Some(t) => self.long_code(t.as_bytes(), series, row)?,
                        };
                        row += 1;
                    }
                }
            }
            DataType::Boolean => {
                for (row, v) in series.bool()?.iter().enumerate() {
                    if let Some(v) = v {
                        codes[row] = self.integer_code(i64::from(v), series, row)?;
                    }
                }
            }
            DataType::Float32 | DataType::Float64 => {
                let numbers = series.cast(&DataType::Float64)?;
                let mut error = Ok(());
                each_value(numbers.f64()?, |row, x| {
                    let bits = if x.is_nan() { f64::NAN } else { x + 0.0 }.to_bits();
                    match self.short_code(bits as u128, series, row) {
                        Ok(code) => codes[row] = code,
                        Err(e) => error = Err(e),
                    }
                });
                error?;
            }
            DataType::UInt8 => code_integers!(self, series, codes, u8),
            DataType::UInt16 => code_integers!(self, series, codes, u16),
            DataType::UInt32 => code_integers!(self, series, codes, u32),
            DataType::Int8 => code_integers!(self, series, codes, i8),
            DataType::Int16 => code_integers!(self, series, codes, i16),
            DataType::Int32 => code_integers!(self, series, codes, i32),
            DataType::Int64 => code_integers!(self, series, codes, i64),
            _ => {
                let text = series.cast(&DataType::String)?;
                for (row, v) in text.str()?.iter().enumerate() {
                    if let Some(t) = v {
                        codes[row] = self.long_code(t.as_bytes(), series, row)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The code of a whole number, `series`' value at `row`.
    #[inline]
    fn integer_code(&mut self, number: i64, series: &Series, row: usize) -> PolarsResult<u32> {
        if !(0..SMALL).contains(&number) {
            return self.short_code(number as u64 as u128, series, row);
        }
        let at = number as usize;
        if self.small.len() <= at {
            self.small.resize(at + 1, 0);
        }
        if self.small[at] == 0 {
            self.small[at] = self.new_code(series, row)?;
        }
        Ok(self.small[at])
    }

    /// The code of a value known by 128 bits, `series`' value at `row`.
    fn short_code(&mut self, bits: u128, series: &Series, row: usize) -> PolarsResult<u32> {
        if let Some(code) = self.cache.get(bits) {
            return Ok(code);
        }
        let code = match self.short.get(&bits) {
            Some(code) => *code,
            None => {
                let code = self.new_code(series, row)?;
                self.short.insert(bits, code);
                code
            }
        };
        self.cache.put(bits, code);
        Ok(code)
    }

    /// The code of a value known by its bytes, `series`' value at `row`.
    fn long_code(&mut self, bytes: &[u8], series: &Series, row: usize) -> PolarsResult<u32> {
        if let Some(code) = self.long.get(bytes) {
            return Ok(*code);
        }
        let code = self.new_code(series, row)?;
        self.long.insert(bytes.into(), code);
        Ok(code)
    }

    /// A new code for `series`' value at `row`.
    fn new_code(&mut self, series: &Series, row: usize) -> PolarsResult<u32> {
        self.values.push(series.get(row)?.into_static());
        Ok(self.values.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::score_keys::SCORE_EXACT_LIMIT;

    const NAMES: Names = Names {
        key: "key",
        rows: ["n", "w", "w2"],
        min: "min",
        max: "max",
        sum: "sum",
    };

    /// 6,000 rows whose keys take every kind the pass codes: texts short and long (past the 12
    /// bytes a view holds), with nulls; whole numbers below and above the table's range,
    /// negative too; yes/no; floats. The score has `distinct` values and a null or NaN in some
    /// rows.
    fn log(distinct: usize) -> DataFrame {
        let n = 6000;
        let text: Vec<Option<String>> = (0..n)
            .map(|i| match i % 7 {
                0 => None,
                1 => Some("a much longer group name than twelve bytes".to_string()),
                k => Some(["é", "b", "Ω group", "c"][k % 4].to_string()),
            })
            .collect();
        let whole: Vec<Option<i64>> = (0..n)
            .map(|i| [Some(3), Some(-5), Some(1 << 40), None, Some(70_000)][i % 5])
            .collect();
        let yes: Vec<Option<bool>> = (0..n)
            .map(|i| [Some(true), Some(false), None][i % 3])
            .collect();
        let float: Vec<f64> = (0..n).map(|i| [0.0, 1.5, 2.5][i % 3]).collect();
        let score: Vec<Option<f64>> = (0..n)
            .map(|i| match i % 101 {
                0 => None,
                1 => Some(f64::NAN),
                _ => Some(((i * 7919) % distinct) as f64 / distinct as f64),
            })
            .collect();
        df!(
            "text" => text,
            "whole" => whole,
            "yes" => yes,
            "float" => float,
            "score" => score,
        )
        .unwrap()
    }

    /// The frame's rows as sorted lines, whatever the columns' types.
    fn lines(df: &DataFrame) -> Vec<String> {
        let mut lines: Vec<String> = (0..df.height())
            .map(|i| {
                df.columns()
                    .iter()
                    .map(|c| format!("{}", c.get(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        lines.sort();
        lines
    }

    /// Polars' `group_by` of the same cells: the reference.
    fn by_polars(df: &DataFrame, keying: &ScoreKeying) -> DataFrame {
        let score = when(col("score").is_nan())
            .then(Null {}.lit().cast(DataType::Float64))
            .otherwise(col("score"));
        let scores: Vec<Option<f64>> = df
            .column("score")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|s| s.filter(|s| !s.is_nan()))
            .collect();
        let keys: Vec<Option<f64>> = scores
            .iter()
            .map(|s| {
                s.map(|s| match keying {
                    ScoreKeying::Exact => s + 0.0,
                    ScoreKeying::Bins(cuts) => cuts.key(s) as f64,
                })
            })
            .collect();
        let mut df = df.clone();
        df.with_column(Column::new("key".into(), keys)).unwrap();
        df.lazy()
            .with_column(score.alias("score"))
            .group_by([
                col("text"),
                col("whole"),
                col("yes"),
                col("float"),
                col("key"),
            ])
            .agg([
                len().cast(DataType::UInt64).alias("n"),
                len().cast(DataType::UInt64).alias("w"),
                len().cast(DataType::UInt64).alias("w2"),
                col("score").min().alias("min"),
                col("score").max().alias("max"),
                (col("score") * lit(SUM_SCALE))
                    .cast(DataType::Int128)
                    .sum()
                    .cast(DataType::Float64)
                    .alias("sum"),
            ])
            .collect()
            .unwrap()
    }

    fn by_pass(df: &DataFrame) -> DataFrame {
        let keys = ["text", "whole", "yes", "float"].map(col).to_vec();
        let score = when(col("score").is_nan())
            .then(Null {}.lit().cast(DataType::Float64))
            .otherwise(col("score"));
        cells(Path::new("log"), df.clone().lazy(), keys, score, &NAMES)
            .unwrap()
            .expect("every key fits a code")
    }

    #[test]
    fn the_pass_tallies_the_cells_polars_group_by_does() {
        // A score of 500 values is keyed by itself, one of 3,000 by its bin by rank: either
        // way every cell, its keys (text, whole number, yes/no and float kept as they are)
        // and its sums are Polars' own.
        for distinct in [500, 3000] {
            let df = log(distinct);
            let scores: Vec<f64> = df
                .column("score")
                .unwrap()
                .f64()
                .unwrap()
                .iter()
                .map(|s| s.unwrap_or(f64::NAN))
                .collect();
            let keying = ScoreKeying::of_scores(&scores);
            assert_eq!(
                matches!(keying, ScoreKeying::Exact),
                distinct <= SCORE_EXACT_LIMIT
            );
            let ours = by_pass(&df);
            let reference = by_polars(&df, &keying);
            assert_eq!(ours.schema().len(), reference.schema().len());
            for (a, b) in ours.columns().iter().zip(reference.columns()) {
                assert_eq!(a.name(), b.name());
            }
            assert_eq!(
                lines(&ours),
                lines(&reference),
                "{distinct} distinct scores"
            );
        }
    }

    #[test]
    fn a_key_of_more_values_than_a_code_holds_is_left_to_polars() {
        let ids: Vec<String> = (0..70_000).map(|i| format!("id{i}")).collect();
        let df = df!("id" => ids, "score" => vec![0.5; 70_000]).unwrap();
        let found = cells(
            Path::new("log"),
            df.lazy(),
            vec![col("id")],
            col("score"),
            &NAMES,
        );
        assert!(found.unwrap().is_none());
    }

    #[test]
    fn passes_over_parts_of_a_log_merge_into_the_pass_over_it_all() {
        // Two threads' passes meet the keys in other orders (the second part's first row has
        // `false` and 1.5 where the first part's has `true` and 0), so give them other codes:
        // merged, their frame is the one pass's over the whole.
        let df = log(3000);
        let batch = |from: i64, rows: usize| {
            let part = df.slice(from, rows);
            let mut columns: Vec<Column> = ["text", "whole", "yes", "float"]
                .iter()
                .map(|c| part.column(c).unwrap().clone())
                .collect();
            columns.push(part.column("score").unwrap().clone());
            DataFrame::new_infer_height(columns).unwrap()
        };
        let (first, second) = (batch(0, 2500), batch(2500, 3500));
        let mut whole = Pass::new(4);
        whole.add(&first).unwrap();
        whole.add(&second).unwrap();
        let mut one = Pass::new(4);
        one.add(&second).unwrap();
        let mut other = Pass::new(4);
        other.add(&first).unwrap();
        one.absorb(other).unwrap();
        assert!(lines(&one.frame(&NAMES).unwrap()) == lines(&whole.frame(&NAMES).unwrap()));
    }
}
