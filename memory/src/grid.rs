//! Rows bucketed by where they were seen, on a square grid: a radius query ("what is near
//! (x, y)") visits the cells its circle overlaps instead of every row.

use std::collections::HashMap;

/// Store rows by grid cell. The caller keeps each row's location and tells the grid when a
/// row appears, moves in space, changes number (rows are swap-removed) or goes.
#[derive(Debug, Clone)]
pub struct SpatialGrid {
    cell: f64,
    cells: HashMap<(i64, i64), Vec<usize>>,
}

impl SpatialGrid {
    /// A grid of `cell`-metre squares.
    pub fn new(cell: f64) -> Self {
        Self {
            cell: if cell.is_finite() && cell > 0.0 {
                cell
            } else {
                1.0
            },
            cells: HashMap::new(),
        }
    }

    /// The cell holding `at` (non-finite coordinates land in a cell of their own kind; the
    /// float-to-int cast saturates, so nothing overflows).
    fn key(&self, at: (f64, f64)) -> (i64, i64) {
        (
            (at.0 / self.cell).floor() as i64,
            (at.1 / self.cell).floor() as i64,
        )
    }

    /// Adds `row` at `at`.
    pub fn insert(&mut self, row: usize, at: (f64, f64)) {
        self.cells.entry(self.key(at)).or_default().push(row);
    }

    /// Removes `row`, which is at `at`.
    pub fn remove(&mut self, row: usize, at: (f64, f64)) {
        let key = self.key(at);
        if let Some(rows) = self.cells.get_mut(&key) {
            if let Some(i) = rows.iter().position(|r| *r == row) {
                rows.swap_remove(i);
            }
            if rows.is_empty() {
                self.cells.remove(&key);
            }
        }
    }

    /// `row` (at `at`) is now called `to`.
    pub fn renumber(&mut self, row: usize, to: usize, at: (f64, f64)) {
        if let Some(r) = self
            .cells
            .get_mut(&self.key(at))
            .and_then(|rows| rows.iter_mut().find(|r| **r == row))
        {
            *r = to;
        }
    }

    /// `row` moved from `from` to `to`.
    pub fn relocate(&mut self, row: usize, from: (f64, f64), to: (f64, f64)) {
        if self.key(from) != self.key(to) {
            self.remove(row, from);
            self.insert(row, to);
        }
    }

    /// Every row in a cell the circle of `radius` around `(x, y)` touches: a superset of the
    /// rows within it (the caller checks the distance). A circle spanning more cells than
    /// exist walks the occupied cells instead.
    pub fn rows_near(&self, x: f64, y: f64, radius: f64) -> Vec<usize> {
        let (lo, hi) = (
            self.key((x - radius, y - radius)),
            self.key((x + radius, y + radius)),
        );
        let span =
            (hi.0.saturating_sub(lo.0) as u128 + 1) * (hi.1.saturating_sub(lo.1) as u128 + 1);
        let inside = |k: &(i64, i64)| (lo.0..=hi.0).contains(&k.0) && (lo.1..=hi.1).contains(&k.1);
        if span > self.cells.len() as u128 || !radius.is_finite() {
            return self
                .cells
                .iter()
                .filter(|(k, _)| !radius.is_finite() || inside(k))
                .flat_map(|(_, rows)| rows.iter().copied())
                .collect();
        }
        let mut out = Vec::new();
        for cx in lo.0..=hi.0 {
            for cy in lo.1..=hi.1 {
                if let Some(rows) = self.cells.get(&(cx, cy)) {
                    out.extend_from_slice(rows);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_radius_query_returns_every_row_within_it() {
        let mut g = SpatialGrid::new(2.0);
        let points: Vec<(f64, f64)> = (0..400)
            .map(|i| ((i % 20) as f64 * 0.9 - 3.0, (i / 20) as f64 * 0.7 - 1.0))
            .collect();
        for (row, p) in points.iter().enumerate() {
            g.insert(row, *p);
        }
        for (x, y, r) in [
            (0.0, 0.0, 1.0),
            (5.0, 5.0, 3.5),
            (-2.0, 9.0, 0.1),
            (0.0, 0.0, 1e9),
        ] {
            let got = g.rows_near(x, y, r);
            for (row, p) in points.iter().enumerate() {
                if (p.0 - x).hypot(p.1 - y) <= r {
                    assert!(
                        got.contains(&row),
                        "row {row} at {p:?} within {r} of ({x}, {y})"
                    );
                }
            }
        }
    }

    #[test]
    fn moves_renumbering_and_removal_are_followed() {
        let mut g = SpatialGrid::new(1.0);
        g.insert(0, (0.5, 0.5));
        g.insert(1, (10.5, 10.5));
        g.relocate(0, (0.5, 0.5), (20.5, 20.5));
        assert!(g.rows_near(0.5, 0.5, 0.4).is_empty());
        assert_eq!(g.rows_near(20.5, 20.5, 0.4), vec![0]);
        // Row 0 goes; row 1 takes its number, as a swap-remove does.
        g.remove(0, (20.5, 20.5));
        g.renumber(1, 0, (10.5, 10.5));
        assert_eq!(g.rows_near(10.5, 10.5, 0.4), vec![0]);
        assert!(g.rows_near(20.5, 20.5, 0.4).is_empty());
    }

    #[test]
    fn non_finite_input_does_not_panic() {
        let mut g = SpatialGrid::new(f64::NAN);
        g.insert(0, (f64::NAN, f64::INFINITY));
        g.insert(1, (1.0, 1.0));
        assert!(g.rows_near(1.0, 1.0, 0.5).contains(&1));
        assert_eq!(g.rows_near(0.0, 0.0, f64::INFINITY).len(), 2);
        let _ = g.rows_near(f64::NAN, 0.0, 1.0);
    }
}
