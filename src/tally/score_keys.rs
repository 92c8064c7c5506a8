//! How a score becomes a key of the cell table: its values themselves when they are few, else
//! its bin by rank, found from cut points selected among the log's scores.

use rayon::prelude::*;

/// Most distinct values a score keeps as keys of the cell table, each its own cell; a score
/// with more is cut into [`SCORE_BINS`] bins by rank.
pub const SCORE_EXACT_LIMIT: usize = 1000;

/// Bins of a score with more than [`SCORE_EXACT_LIMIT`] distinct values.
pub const SCORE_BINS: usize = 1000;

/// The score's bin by rank, split at the tenths of [0, 1]: 10·⌊[`SCORE_BINS`] · (r − 1) / n⌋ +
/// the number of tenths below the score, where r is the score's smallest rank among the log's
/// `n` scores that are numbers (tied scores share their smallest rank, and so a bin). Both parts
/// grow with the score, so the bins keep the scores' order, and no bin straddles a tenth (the
/// reliability table's bins, as scikit-learn's `calibration_curve` cuts them, are then exact). A
/// SQL engine computes it so; the product and the quotient of whole numbers below 2⁵³ are exact
/// or correctly rounded, and no quotient lies within a rounding of a whole number it is not.
pub fn score_bin(smallest_rank: f64, n: f64, score: f64) -> f64 {
    10.0 * ((smallest_rank - 1.0) * SCORE_BINS as f64 / n).floor() + tenths_below(score)
}

/// The number of tenths of [0, 1] below a score: the edges i·0.1 (i = 1..9, as numpy's
/// `linspace` makes them) that are less than it.
pub fn tenths_below(score: f64) -> f64 {
    TENTHS.iter().filter(|t| **t < score).count() as f64
}

/// The inner edges of the tenths of [0, 1], i·0.1 for i = 1..9.
pub const TENTHS: [f64; 9] = [
    0.1,
    0.2,
    0.30000000000000004,
    0.4,
    0.5,
    0.6000000000000001,
    0.7000000000000001,
    0.8,
    0.9,
];

/// How a score becomes the cells' key.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreKeying {
    /// The score itself: the log's scores take at most [`SCORE_EXACT_LIMIT`] distinct values.
    Exact,
    /// Its bin by rank ([`score_bin`]), whose first part is counted as the cut points below
    /// it: cut k (from 1 to [`SCORE_BINS`] − 1) is the score at sorted position
    /// ⌈k·n/[`SCORE_BINS`]⌉ (from 1).
    Bins(Cuts),
}

impl ScoreKeying {
    /// The keying of a log whose scores are `scores` (in any order; NaN, a score that is not a
    /// number, left out; −0 taken as 0, as a comparison takes it). Only the cut points are
    /// selected, not every score sorted ([`order_statistics`]).
    pub fn of_scores(scores: &[f64]) -> ScoreKeying {
        ScoreKeying::of_score_chunks(&[scores])
    }

    /// The keying of a log whose scores are those of `chunks` together, as [`Self::of_scores`].
    pub fn of_score_chunks(chunks: &[&[f64]]) -> ScoreKeying {
        match cut_positions(chunks) {
            None => ScoreKeying::Exact,
            Some(positions) => ScoreKeying::Bins(Cuts::new(order_statistics(chunks, &positions))),
        }
    }
}

/// The sorted positions (from 0) of the cut points of a log whose scores are those of
/// `chunks`, or none when the scores are their own keys ([`ScoreKeying::Exact`]).
pub fn cut_positions(chunks: &[&[f64]]) -> Option<Vec<usize>> {
    if at_most_distinct(chunks, SCORE_EXACT_LIMIT) {
        return None;
    }
    let n = pieces(chunks)
        .map(|piece| piece.iter().filter(|s| !s.is_nan()).count())
        .sum::<usize>();
    Some(
        (1..SCORE_BINS)
            .map(|k| (k * n).div_ceil(SCORE_BINS) - 1)
            .collect(),
    )
}

/// Cells of the even grid that finds a score among the cut points.
const LOOKUP_CELLS: usize = 4096;

/// Cells of the even grid whose counts place the order statistics.
const HISTOGRAM_CELLS: usize = 65_536;

/// The cut points of a score's bins, ascending, and the key of each span between the cuts and
/// the tenths of [0, 1] taken together: a score's key is that of the span it falls in.
#[derive(Debug, Clone, PartialEq)]
pub struct Cuts {
    points: Vec<f64>,
    steps: Steps,
    keys: Vec<u32>,
}

impl Cuts {
    /// The cuts `points` (ascending).
    pub fn new(points: Vec<f64>) -> Cuts {
        let mut steps: Vec<(f64, u32)> = points.iter().map(|c| (*c, 10)).collect();
        steps.extend(TENTHS.iter().map(|t| (*t, 1)));
        steps.sort_by(|a, b| a.0.total_cmp(&b.0));
        // With i steps below it, a score is above the cuts and tenths among the first i.
        let keys = std::iter::once(0)
            .chain(steps.iter().scan(0, |key, (_, step)| {
                *key += step;
                Some(*key)
            }))
            .collect();
        Cuts {
            points,
            steps: Steps::new(steps.into_iter().map(|(x, _)| x).collect()),
            keys,
        }
    }

    /// The cut points, ascending.
    pub fn points(&self) -> &[f64] {
        &self.points
    }

    /// A score's key: 10 × the cuts below it + the tenths below it.
    pub fn key(&self, score: f64) -> u32 {
        self.keys[self.span(score)]
    }

    /// The span a score falls in, numbered from 0 up: how many of the cuts and tenths together
    /// are less than it.
    #[inline]
    pub fn span(&self, score: f64) -> usize {
        self.steps.below(score)
    }

    /// The key of each span, in order.
    pub fn span_keys(&self) -> &[u32] {
        &self.keys
    }
}

/// Numbers in ascending order, with an even grid over them that tells, for each of its cells,
/// how many of them lie in the cells before: a number's count of them below it is then looked
/// for among the few of its own cell, not by a search of them all.
#[derive(Debug, Clone, PartialEq)]
struct Steps {
    points: Vec<f64>,
    grid: Option<Grid>,
    before: Vec<usize>,
}

impl Steps {
    /// Over `points` (ascending).
    fn new(points: Vec<f64>) -> Steps {
        let grid = match (points.first(), points.last()) {
            (Some(low), Some(high)) => Grid::new(*low, *high, LOOKUP_CELLS),
            _ => None,
        };
        let before = match &grid {
            Some(grid) => {
                let cells: Vec<usize> = points.iter().map(|c| grid.cell(*c)).collect();
                (0..=LOOKUP_CELLS)
                    .map(|g| cells.partition_point(|c| *c < g))
                    .collect()
            }
            None => Vec::new(),
        };
        Steps {
            points,
            grid,
            before,
        }
    }

    /// How many of the numbers are less than `x`. Those of earlier cells are less than it and
    /// those of later cells greater, for a cell grows with the number.
    #[inline]
    fn below(&self, x: f64) -> usize {
        match &self.grid {
            Some(grid) => {
                let g = grid.cell(x);
                let (from, to) = (self.before[g], self.before[g + 1]);
                from + self.points[from..to].partition_point(|c| *c < x)
            }
            None => self.points.partition_point(|c| *c < x),
        }
    }
}

/// An even grid of cells over [low, high]: a number's cell grows with it (each step of the
/// arithmetic is correctly rounded, so keeps the order), those below `low` in the first cell
/// and those above `high` in the last.
#[derive(Debug, Clone, PartialEq)]
struct Grid {
    low: f64,
    scale: f64,
    last: f64,
}

impl Grid {
    /// A grid of `cells` cells, or none when [low, high] is not a finite, non-empty span.
    fn new(low: f64, high: f64, cells: usize) -> Option<Grid> {
        let scale = cells as f64 / (high - low);
        (low.is_finite() && scale.is_finite() && scale > 0.0).then_some(Grid {
            low,
            scale,
            last: (cells - 1) as f64,
        })
    }

    /// The cell of a number (not NaN).
    #[inline]
    fn cell(&self, x: f64) -> usize {
        ((x - self.low) * self.scale).clamp(0.0, self.last) as usize
    }
}

/// The values at sorted positions `positions` (ascending, from 0) of `values` (NaN left out; −0
/// as 0): a pass and a half over the values instead of a sort ([`Located`]), or a sort where
/// they span no finite, non-empty range.
fn order_statistics(values: &[&[f64]], positions: &[usize]) -> Vec<f64> {
    match Located::new(values, positions) {
        Some(located) => {
            let gathered = located.gather(values);
            located.select(gathered)
        }
        None => {
            let mut ordered: Vec<u64> = values
                .iter()
                .flat_map(|chunk| chunk.iter())
                .filter(|v| !v.is_nan())
                .map(|v| ordered_bits(*v))
                .collect();
            place(&mut ordered, positions, 0);
            positions
                .iter()
                .map(|p| from_ordered_bits(ordered[*p]))
                .collect()
        }
    }
}

/// Where a score lies among the cut points, known before they are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place {
    /// Its span ([`Cuts::span`]): no cut point or tenth shares its cell.
    Span(usize),
    /// A cut point shares its cell, whose values the cut points are selected among (its slot).
    Gathered(usize),
    /// A tenth shares its cell: its span is known once the cut points are.
    Later,
}

/// The sorted positions of a log's cut points located in an even grid of
/// [`HISTOGRAM_CELLS`] cells between its smallest and largest score, from the scores' counts
/// per cell (counted in parallel): each position lies in a known cell at a known rank there, so
/// only the values of those cells need be gathered and selected among. A score in any other
/// cell has its span already, for a cell grows with the score: the cut points of earlier cells
/// are below it, those of later cells above.
pub struct Located {
    grid: Grid,
    /// Per cell, where its scores lie: their span (below [`GATHERED`]), [`GATHERED`] + the
    /// slot of the cell's gathered values where a cut point lies, [`LATER`] where only a tenth
    /// does (a table small enough to stay in a core's cache).
    places: Vec<u16>,
    /// Per slot, the positions' ranks within its cell.
    ranks: Vec<Vec<usize>>,
    /// The cut points and tenths.
    steps: usize,
}

/// The first code of [`Located::places`] that is not a span but a slot.
const GATHERED: u16 = 1 << 15;

/// The code of [`Located::places`] for a cell whose scores' span is known once the cut points
/// are.
const LATER: u16 = u16::MAX;

impl Located {
    /// The cut points at `positions` (ascending) of the scores of `values` located, or none
    /// when the scores span no finite, non-empty range or the positions are too many to
    /// locate (more than 32,000).
    pub fn new(values: &[&[f64]], positions: &[usize]) -> Option<Located> {
        let steps = positions.len() + TENTHS.len();
        if steps >= (LATER - GATHERED) as usize {
            return None;
        }
        let span = || (f64::INFINITY, f64::NEG_INFINITY);
        let (low, high) = pieces(values)
            .fold(span, |(l, h), piece| {
                piece
                    .iter()
                    .fold((l, h), |(l, h), v| (l.min(*v), h.max(*v)))
            })
            .reduce(span, |a, b| (a.0.min(b.0), a.1.max(b.1)));
        let grid = Grid::new(low, high, HISTOGRAM_CELLS)?;
        let counts = pieces(values)
            .fold(
                || vec![0usize; HISTOGRAM_CELLS],
                |mut counts, chunk| {
                    for v in chunk.iter().filter(|v| !v.is_nan()) {
                        counts[grid.cell(*v)] += 1;
                    }
                    counts
                },
            )
            .reduce(
                || vec![0usize; HISTOGRAM_CELLS],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        // Each position's cell and its rank there, its cell's slot numbering the cells some
        // position lies in; and the steps (cut points and tenths) in each cell.
        let mut slot: Vec<Option<u16>> = vec![None; HISTOGRAM_CELLS];
        let mut ranks: Vec<Vec<usize>> = Vec::new();
        let mut steps_in = vec![0u16; HISTOGRAM_CELLS];
        let (mut cell, mut start) = (0, 0);
        for p in positions {
            while start + counts[cell] <= *p {
                start += counts[cell];
                cell += 1;
            }
            let k = *slot[cell].get_or_insert_with(|| {
                ranks.push(Vec::new());
                (ranks.len() - 1) as u16
            });
            ranks[k as usize].push(p - start);
            steps_in[cell] += 1;
        }
        let mut tenth = vec![false; HISTOGRAM_CELLS];
        for t in TENTHS {
            steps_in[grid.cell(t)] += 1;
            tenth[grid.cell(t)] = true;
        }
        let places = (0..HISTOGRAM_CELLS)
            .scan(0u16, |below, cell| {
                let code = match (slot[cell], tenth[cell]) {
                    (Some(k), _) => GATHERED + k,
                    (None, true) => LATER,
                    (None, false) => *below,
                };
                *below += steps_in[cell];
                Some(code)
            })
            .collect();
        Some(Located {
            grid,
            places,
            ranks,
            steps,
        })
    }

    /// Where a score (not NaN) lies.
    #[inline]
    pub fn place(&self, score: f64) -> Place {
        match self.places[self.grid.cell(score)] {
            LATER => Place::Later,
            code if code >= GATHERED => Place::Gathered((code - GATHERED) as usize),
            span => Place::Span(span as usize),
        }
    }

    /// The spans between the cut points and tenths: one more than there are of them.
    pub fn spans(&self) -> usize {
        self.steps + 1
    }

    /// Empty gathered values, one list per slot (for [`Place::Gathered`] scores, as
    /// [`ordered_bits`]).
    pub fn no_values(&self) -> Vec<Vec<u64>> {
        vec![Vec::new(); self.ranks.len()]
    }

    /// The values of `values` whose cells some position lies in, per slot.
    fn gather(&self, values: &[&[f64]]) -> Vec<Vec<u64>> {
        pieces(values)
            .fold(
                || self.no_values(),
                |mut gathered, chunk| {
                    for v in chunk.iter().filter(|v| !v.is_nan()) {
                        if let Place::Gathered(k) = self.place(*v) {
                            gathered[k].push(ordered_bits(*v));
                        }
                    }
                    gathered
                },
            )
            .reduce(
                || self.no_values(),
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| x.extend(y));
                    a
                },
            )
    }

    /// The values at the positions, selected among the values `gathered` per slot (all the
    /// values of their cells).
    pub fn select(&self, mut gathered: Vec<Vec<u64>>) -> Vec<f64> {
        gathered
            .par_iter_mut()
            .zip(&self.ranks)
            .flat_map_iter(|(cell_values, ranks)| {
                place(cell_values, ranks, 0);
                ranks.iter().map(|r| from_ordered_bits(cell_values[*r]))
            })
            .collect()
    }
}

/// The chunks' numbers in pieces of at most 65,536, in parallel.
fn pieces<'a>(chunks: &'a [&'a [f64]]) -> impl ParallelIterator<Item = &'a [f64]> {
    chunks
        .par_iter()
        .flat_map(|chunk| chunk.par_chunks(1 << 16))
}

/// Whether `scores` take at most `limit` distinct values, NaN left out (it stops at the first
/// past it).
fn at_most_distinct(scores: &[&[f64]], limit: usize) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(limit + 1);
    for s in scores.iter().flat_map(|c| c.iter()).filter(|s| !s.is_nan()) {
        seen.insert((s + 0.0).to_bits());
        if seen.len() > limit {
            return false;
        }
    }
    true
}

/// A number's bits as a whole number of the same order (negative numbers' bits flipped, the
/// others' sign bit set): whole numbers compare faster than floating-point ones.
pub fn ordered_bits(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits();
    match bits >> 63 {
        1 => !bits,
        _ => bits | 1 << 63,
    }
}

/// The number whose [`ordered_bits`] these are.
fn from_ordered_bits(bits: u64) -> f64 {
    f64::from_bits(match bits >> 63 {
        1 => bits & !(1 << 63),
        _ => !bits,
    })
}

/// Puts each of `values`' elements at sorted positions `positions` (ascending, counted from
/// `offset`) where a sort would put it: a selection at the middle position, then the same on each
/// side, in parallel.
fn place(values: &mut [u64], positions: &[usize], offset: usize) {
    if positions.is_empty() {
        return;
    }
    let mid = positions.len() / 2;
    let at = positions[mid] - offset;
    let (left, _, right) = values.select_nth_unstable(at);
    rayon::join(
        || place(left, &positions[..mid], offset),
        || place(right, &positions[mid + 1..], offset + at + 1),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scores_bin_by_its_cut_points_is_its_bin_by_rank() {
        // 5,000 scores with ties (each value −1,250.5..1,248.5 twice, shuffled by a stride): counting the
        // cut points below a score gives ⌊1000·(r − 1)/n⌋ for every score.
        let scores: Vec<f64> = (0..5000)
            .map(|i| ((i * 7919) % 2500) as f64 - 1250.5)
            .collect();
        let ScoreKeying::Bins(cuts) = ScoreKeying::of_scores(&scores) else {
            panic!("5,000 distinct scores are binned");
        };
        assert_eq!(cuts.points().len(), SCORE_BINS - 1);
        for &s in &scores {
            let rank = 1 + scores.iter().filter(|x| **x < s).count();
            assert_eq!(cuts.key(s) as f64, score_bin(rank as f64, 5000.0, s), "{s}");
        }
        // Scores across the tenths (−0.05 to 1.2 by 0.00025), on both sides of each.
        let spread: Vec<f64> = (0..5000).map(|i| i as f64 * 0.00025 - 0.05).collect();
        let ScoreKeying::Bins(cuts) = ScoreKeying::of_scores(&spread) else {
            panic!("5,000 distinct scores are binned");
        };
        for (r, &s) in spread.iter().enumerate() {
            assert_eq!(
                cuts.key(s) as f64,
                score_bin(r as f64 + 1.0, 5000.0, s),
                "{s}"
            );
        }
        // The tenths are numpy's linspace(0, 1, 11): i × 0.1.
        for (i, t) in TENTHS.iter().enumerate() {
            assert_eq!(*t, (i + 1) as f64 * 0.1);
        }
        assert_eq!(tenths_below(0.1), 0.0);
        assert_eq!(tenths_below(0.35), 3.0);
        // A score of ten values keeps them.
        assert_eq!(ScoreKeying::of_scores(&[1.0, 1.0, 2.0]), ScoreKeying::Exact);
        // −0 is 0, as a comparison (and a SQL engine's rank) takes it.
        for x in [-3.5, -0.0, 0.0, 1e-300, 2.0, f64::MAX, f64::MIN] {
            assert_eq!(from_ordered_bits(ordered_bits(x)), x + 0.0);
            assert_eq!(ordered_bits(x) < ordered_bits(1.0), x < 1.0);
        }
        let mut zeros: Vec<f64> = (0..SCORE_EXACT_LIMIT).map(|i| i as f64).collect();
        zeros.push(-0.0);
        assert_eq!(ScoreKeying::of_scores(&zeros), ScoreKeying::Exact);
    }

    #[test]
    fn order_statistics_and_cut_lookups_are_a_sorts() {
        // Skewed values (squares of a stride, so most crowd near the smallest), ties, −0, huge
        // outliers and infinities: each position's value is a sort's, and each number's count
        // of cuts below it a search's.
        let mut values: Vec<f64> = (0..20_000u64)
            .map(|i| (((i * 7919) % 10_007) as f64 / 100.0).powi(4) - 5.0)
            .collect();
        values.extend([-0.0, 0.0, 1e300, -1e300, f64::INFINITY, f64::NEG_INFINITY]);
        values.extend(std::iter::repeat_n(3.25, 2_000));
        let mut sorted: Vec<f64> = values.iter().map(|v| v + 0.0).collect();
        sorted.sort_by(f64::total_cmp);
        let positions: Vec<usize> = (0..values.len()).step_by(37).collect();
        let found = order_statistics(&[&values], &positions);
        for (p, v) in positions.iter().zip(&found) {
            assert_eq!(*v, sorted[*p], "position {p}");
        }
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        assert_eq!(
            order_statistics(&[&finite], &[0, finite.len() - 1]),
            [-1e300, 1e300]
        );
        assert_eq!(order_statistics(&[&[2.0, 2.0, 2.0]], &[1]), [2.0]);
        let steps = Steps::new(found.clone());
        for x in values.iter().chain(&[-1e301, 1e301, -5.0, 7.5]) {
            assert_eq!(steps.below(*x), found.partition_point(|c| c < x), "{x}");
        }
    }

    #[test]
    fn a_located_score_has_the_span_its_cut_points_give() {
        // Skewed scores with ties across the tenths: a score placed before the cut points are
        // known has the span they give it; the others lie in a cell with a cut point (gathered)
        // or a tenth (among them the 3,000 at 0.5), and are few.
        let scores: Vec<f64> = (0..50_000u64)
            .map(|i| (((i * 7919) % 20_011) as f64 / 20_011.0).powi(2) * 1.2 - 0.1)
            .chain(std::iter::repeat_n(0.5, 3_000))
            .collect();
        let positions = cut_positions(&[&scores]).expect("more than 1,000 distinct scores");
        let located = Located::new(&[&scores], &positions).expect("a finite range");
        let cuts = Cuts::new(order_statistics(&[&scores], &positions));
        assert_eq!(located.spans(), cuts.span_keys().len());
        let mut waiting = 0;
        for s in &scores {
            match located.place(*s) {
                Place::Span(span) => assert_eq!(span, cuts.span(*s), "{s}"),
                Place::Gathered(_) | Place::Later => waiting += 1,
            }
        }
        assert!(waiting > 3_000 && waiting < scores.len() / 5, "{waiting}");
    }

    #[test]
    fn scores_that_are_not_numbers_are_left_out_of_the_keying() {
        // The same scores with NaN among them, in one chunk or several: the same cut points.
        let scores: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 2500) as f64).collect();
        let mut with_nan = scores.clone();
        for i in (0..with_nan.len()).step_by(7) {
            with_nan.insert(i, f64::NAN);
        }
        let keying = ScoreKeying::of_scores(&scores);
        assert!(matches!(keying, ScoreKeying::Bins(_)));
        assert_eq!(ScoreKeying::of_scores(&with_nan), keying);
        let (first, rest) = with_nan.split_at(1234);
        assert_eq!(ScoreKeying::of_score_chunks(&[first, rest]), keying);
        assert_eq!(
            ScoreKeying::of_scores(&[f64::NAN, 1.0, 2.0]),
            ScoreKeying::Exact
        );
    }
}
