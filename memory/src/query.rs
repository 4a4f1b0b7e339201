//! Queries: similarity to a text, narrowed by space, time, place and class.

use crate::entry::MemoryEntry;

/// A memory query. Filters combine (all must hold); with a query vector the results are
/// ranked by cosine similarity, otherwise by distance to `near` if given, else newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Most results.
    pub k: usize,
    /// Only memories located within `radius` metres of `(x, y)`: `(x, y, radius)`.
    pub near: Option<(f64, f64, f64)>,
    /// Only memories last seen at or after this time, ns.
    pub since_ns: Option<i64>,
    /// Only memories last seen at or before this time, ns.
    pub until_ns: Option<i64>,
    /// Only memories in this place (case ignored).
    pub place: Option<String>,
    /// Only memories of objects of this class (case ignored).
    pub class: Option<String>,
    /// Only memories of objects.
    pub objects_only: bool,
}

impl Default for Query {
    fn default() -> Self {
        Self {
            k: 10,
            near: None,
            since_ns: None,
            until_ns: None,
            place: None,
            class: None,
            objects_only: false,
        }
    }
}

impl Query {
    /// Whether `e` passes every filter.
    pub fn admits(&self, e: &MemoryEntry) -> bool {
        if self.objects_only && e.object_name.is_none() {
            return false;
        }
        if self.since_ns.is_some_and(|t| e.time_ns < t)
            || self.until_ns.is_some_and(|t| e.time_ns > t)
        {
            return false;
        }
        if let Some(p) = &self.place
            && !e
                .place
                .as_deref()
                .is_some_and(|q| q.eq_ignore_ascii_case(p))
        {
            return false;
        }
        if let Some(c) = &self.class
            && !e
                .object_class
                .as_deref()
                .is_some_and(|q| q.eq_ignore_ascii_case(c))
        {
            return false;
        }
        if let Some((x, y, r)) = self.near {
            let (ex, ey) = e.location();
            if (ex - x).hypot(ey - y) > r {
                return false;
            }
        }
        true
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The memory.
    pub entry: MemoryEntry,
    /// Cosine similarity to the query text, when there was one.
    pub score: Option<f32>,
    /// Distance from the query point, when there was one.
    pub distance: Option<f64>,
}
