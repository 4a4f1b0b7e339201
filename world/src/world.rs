//! World files: the YAML format the simulator, the agent and the acceptance suite share.
//!
//! The format is stable and only ever extended compatibly. A file is parsed strictly (an
//! unknown key is an error, not ignored) and then validated, so a typo in a world never turns
//! into a robot that silently starts inside a wall.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use thiserror::Error;

use crate::geometry::{Circle, Polygon, Rect, V2};

/// Thickness of every wall, metres.
pub const WALL_THICKNESS: f64 = 0.1;
/// Default diameter of an object, metres.
pub const DEFAULT_OBJECT_SIZE: f64 = 0.2;
/// Default `/map` cell size, metres.
pub const DEFAULT_RESOLUTION: f64 = 0.05;
/// Largest `/map` the simulator will rasterise, cells per side.
pub const MAX_MAP_CELLS_PER_SIDE: f64 = 8192.0;

/// Why a world file was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WorldError {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}. Fix: check the path")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The YAML is malformed, or has an unknown key or a value of the wrong type.
    #[error("{file}: {message}. Fix: {fix}")]
    Syntax {
        /// The file.
        file: String,
        /// What the parser reported, with line and column.
        message: String,
        /// How to mend it.
        fix: String,
    },
    /// The YAML parses but describes an impossible world.
    #[error("{file}: {field}: {problem}. Fix: {fix}")]
    Invalid {
        /// The file.
        file: String,
        /// Path of the offending field, e.g. `objects[2].at`.
        field: String,
        /// What is wrong.
        problem: String,
        /// How to mend it.
        fix: String,
    },
}

impl WorldError {
    /// The field the error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            WorldError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorldFile {
    name: String,
    size: [f64; 2],
    #[serde(default)]
    resolution: Option<f64>,
    #[serde(default)]
    walls: Vec<[f64; 4]>,
    #[serde(default, deserialize_with = "unique_keys")]
    places: IndexMap<String, PlaceFile>,
    #[serde(default)]
    objects: Vec<ObjectFile>,
    #[serde(default)]
    keep_out: Vec<Vec<[f64; 2]>>,
    #[serde(default)]
    robot: Option<RobotFile>,
    /// A fleet: robots each named (its ROS 2 namespace), instead of `robot`.
    #[serde(default)]
    robots: Option<Vec<RobotFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceFile {
    center: Option<[f64; 2]>,
    radius: Option<f64>,
    polygon: Option<Vec<[f64; 2]>>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectFile {
    name: String,
    class: String,
    #[serde(default)]
    color: Option<String>,
    at: [f64; 2],
    #[serde(default)]
    size: Option<f64>,
    #[serde(default)]
    solid: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RobotFile {
    /// Only in `robots:`: the robot's name, which is its ROS 2 namespace.
    #[serde(default)]
    name: Option<String>,
    start: [f64; 3],
    #[serde(default = "default_robot_radius")]
    radius: f64,
    #[serde(default = "default_max_linear")]
    max_linear: f64,
    #[serde(default = "default_max_angular")]
    max_angular: f64,
    #[serde(default = "default_max_linear_accel")]
    max_linear_accel: f64,
    #[serde(default = "default_max_angular_accel")]
    max_angular_accel: f64,
}

/// A YAML mapping whose keys must be unique: serde_yaml lets a repeated key overwrite the
/// first silently, which would lose a place without a word.
pub(crate) fn unique_keys<'de, D, V>(d: D) -> Result<IndexMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Visit<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
        type Value = IndexMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a mapping of unique names")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = IndexMap::new();
            while let Some((k, v)) = map.next_entry::<String, V>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate entry with key {k:?}"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Visit(std::marker::PhantomData))
}

fn default_robot_radius() -> f64 {
    0.18
}
fn default_max_linear() -> f64 {
    0.5
}
fn default_max_angular() -> f64 {
    1.5
}
fn default_max_linear_accel() -> f64 {
    1.0
}
fn default_max_angular_accel() -> f64 {
    3.0
}

/// A wall: the segment from the file and the solid rectangle it becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Wall {
    /// One end of the centre line.
    pub a: V2,
    /// The other end.
    pub b: V2,
    /// The solid, `WALL_THICKNESS` thick.
    pub rect: Rect,
}

/// The place of smallest area among `places` (the first of equals): where places nest, the
/// one a point is most precisely in. `region` gives each one's shape (world places, or a
/// planner's summary of them).
pub fn innermost<'a, T>(
    places: impl Iterator<Item = &'a T>,
    region: impl Fn(&T) -> &Region,
) -> Option<&'a T> {
    places.fold(None, |best: Option<&T>, p| match best {
        Some(b) if region(b).area() <= region(p).area() => Some(b),
        _ => Some(p),
    })
}

/// The shape of a named place.
#[derive(Debug, Clone, PartialEq)]
pub enum Region {
    /// A disc.
    Circle(Circle),
    /// A polygon.
    Polygon(Polygon),
}

impl Region {
    /// Whether `p` is inside.
    pub fn contains(&self, p: V2) -> bool {
        match self {
            Region::Circle(c) => (p - c.center).norm() <= c.radius,
            Region::Polygon(poly) => poly.contains(p),
        }
    }

    /// How much floor it covers, m^2: of two places that both contain a point, the smaller
    /// is where the point more precisely is (a booth inside a studio).
    pub fn area(&self) -> f64 {
        match self {
            Region::Circle(c) => std::f64::consts::PI * c.radius * c.radius,
            Region::Polygon(p) => p.signed_area().abs(),
        }
    }

    /// The corners (min, max) of the box around it.
    pub fn bounds(&self) -> (V2, V2) {
        match self {
            Region::Circle(c) => (
                c.center - V2::repeat(c.radius),
                c.center + V2::repeat(c.radius),
            ),
            Region::Polygon(p) => (
                p.points
                    .iter()
                    .fold(V2::repeat(f64::INFINITY), |m, q| m.inf(q)),
                p.points
                    .iter()
                    .fold(V2::repeat(f64::NEG_INFINITY), |m, q| m.sup(q)),
            ),
        }
    }

    /// A representative point: the circle's centre or the polygon's centroid.
    pub fn center(&self) -> V2 {
        match self {
            Region::Circle(c) => c.center,
            Region::Polygon(p) => p.centroid(),
        }
    }

    /// The region as a polygon (a circle as the 24-gon around it), for what takes zones
    /// as polygons.
    pub fn outline(&self) -> Polygon {
        match self {
            Region::Polygon(p) => p.clone(),
            Region::Circle(c) => {
                // Vertices just outside the circle, so the polygon covers it.
                let r = c.radius / (std::f64::consts::PI / 24.0).cos();
                Polygon {
                    points: (0..24)
                        .map(|i| {
                            let a = std::f64::consts::TAU * f64::from(i) / 24.0;
                            c.center + V2::new(a.cos(), a.sin()) * r
                        })
                        .collect(),
                }
            }
        }
    }
}

/// A named region of the world (a room, a corridor).
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Name, e.g. `kitchen`.
    pub name: String,
    /// Other names people use for it (`galley`, `break room`); unique like names.
    pub aliases: Vec<String>,
    /// Where it is.
    pub region: Region,
}

impl Place {
    /// Whether `name` is this place's name or one of its aliases (case and surrounding space
    /// ignored).
    pub fn is_called(&self, name: &str) -> bool {
        let n = name.trim();
        self.name.eq_ignore_ascii_case(n) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(n))
    }
}

/// Something the detector can see.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Unique name, e.g. `red cup`.
    pub name: String,
    /// Class, e.g. `cup`.
    pub class: String,
    /// Colour, if any.
    pub color: Option<String>,
    /// Centre.
    pub at: V2,
    /// Diameter, metres.
    pub size: f64,
    /// Whether it blocks motion and the lidar.
    pub solid: bool,
}

impl Object {
    /// The object's footprint.
    pub fn circle(&self) -> Circle {
        Circle {
            center: self.at,
            radius: self.size * 0.5,
        }
    }
}

/// The robot's body, start and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotSpec {
    /// Start (x, y, yaw).
    pub start: [f64; 3],
    /// Radius of the body disc, metres.
    pub radius: f64,
    /// Top speed, m/s.
    pub max_linear: f64,
    /// Top turn rate, rad/s.
    pub max_angular: f64,
    /// Linear acceleration limit, m/s^2.
    pub max_linear_accel: f64,
    /// Angular acceleration limit, rad/s^2.
    pub max_angular_accel: f64,
}

/// One robot of a world: its name (its ROS 2 namespace, e.g. `robot1` for `/robot1/scan` and
/// the frames `robot1/base_link`), or none for the single robot of `robot:`, whose topics
/// and frames are not prefixed.
#[derive(Debug, Clone, PartialEq)]
pub struct RobotEntry {
    /// Name and namespace, none for a lone robot.
    pub name: Option<String>,
    /// Body, start and limits.
    pub spec: RobotSpec,
}

impl RobotEntry {
    /// The ROS 2 namespace of its topics: `/robot1`, or `/` for a lone robot.
    pub fn namespace(&self) -> String {
        match &self.name {
            Some(n) => format!("/{n}"),
            None => "/".to_owned(),
        }
    }

    /// `frame` as this robot's tf frame: `robot1/base_link`, or `base_link` for a lone robot.
    pub fn frame(&self, frame: &str) -> String {
        match &self.name {
            Some(n) => format!("{n}/{frame}"),
            None => frame.to_owned(),
        }
    }

    /// `topic` (relative, e.g. `scan`) in this robot's namespace: `/robot1/scan` or `/scan`.
    pub fn topic(&self, topic: &str) -> String {
        let t = topic.trim_start_matches('/');
        match &self.name {
            Some(n) => format!("/{n}/{t}"),
            None => format!("/{t}"),
        }
    }
}

/// Whether `name` is a valid ROS 2 name token, as a namespace of one level must be: a letter
/// or underscore, then letters, digits and underscores.
pub fn is_ros_name_token(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A validated world.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    /// Name.
    pub name: String,
    /// Extent from the origin (bottom-left corner), metres.
    pub size: V2,
    /// `/map` cell size, metres.
    pub resolution: f64,
    /// Walls.
    pub walls: Vec<Wall>,
    /// Named places, in file order.
    pub places: Vec<Place>,
    /// Objects, in file order.
    pub objects: Vec<Object>,
    /// Geofence polygons the robot must never enter.
    pub keep_out: Vec<Polygon>,
    /// The robot (with a fleet, the first of [`World::robots`]).
    pub robot: RobotSpec,
    /// Every robot, in file order: one unnamed robot for `robot:`, or the fleet of `robots:`.
    pub robots: Vec<RobotEntry>,
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
}

impl World {
    /// Reads and validates a world file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, WorldError> {
        let (mut world, source) = load_with(path.as_ref(), Self::parse)?;
        world.source = Some(source);
        Ok(world)
    }

    /// Parses and validates world YAML; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Self, WorldError> {
        let raw: WorldFile = from_yaml(text, file)?;
        Validator { file }.world(raw)
    }

    /// The innermost place containing `p`: where places nest (a booth in a studio), the
    /// smallest; among equals, the first in file order.
    pub fn place_at(&self, p: V2) -> Option<&Place> {
        innermost(
            self.places.iter().filter(|pl| pl.region.contains(p)),
            |pl| &pl.region,
        )
    }

    /// The place called `name`.
    pub fn place(&self, name: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.name == name)
    }

    /// The object called `name`.
    pub fn object(&self, name: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.name == name)
    }

    /// Whether a disc of `radius` at `p` overlaps any keep-out zone.
    pub fn in_keep_out(&self, p: V2, radius: f64) -> bool {
        self.keep_out.iter().any(|k| k.overlaps_disc(p, radius))
    }

    /// Distance from `p` to the nearest wall or solid object (not counting the robot).
    pub fn clearance(&self, p: V2) -> f64 {
        let walls = self.walls.iter().map(|w| w.rect.distance(p));
        let objects = self
            .objects
            .iter()
            .filter(|o| o.solid)
            .map(|o| o.circle().distance(p));
        walls.chain(objects).fold(f64::INFINITY, f64::min)
    }
}

/// Reads `path` and parses it with `parse` (which names the file in its errors).
pub(crate) fn load_with<T>(
    path: &Path,
    parse: impl FnOnce(&str, &str) -> Result<T, WorldError>,
) -> Result<(T, PathBuf), WorldError> {
    let text = std::fs::read_to_string(path).map_err(|source| WorldError::Read {
        file: path.display().to_string(),
        source,
    })?;
    Ok((parse(&text, &path.display().to_string())?, path.to_owned()))
}

/// Strict YAML (unknown keys refused) into `T`, errors naming `file` and the fix.
pub(crate) fn from_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, WorldError> {
    serde_yaml::from_str(text).map_err(|e| WorldError::Syntax {
        file: file.to_owned(),
        message: e.to_string(),
        fix: syntax_fix(&e.to_string()),
    })
}

fn syntax_fix(message: &str) -> String {
    if message.contains("unknown field") {
        "remove or rename the key; the allowed keys are listed above".into()
    } else if message.contains("missing field") {
        "add the missing key".into()
    } else if message.contains("duplicate") {
        "give every entry a unique name".into()
    } else {
        "correct the YAML at the line and column given".into()
    }
}

pub(crate) struct Validator<'a> {
    pub(crate) file: &'a str,
}

/// Names claimed so far in a file, with the field that claimed each (lower case).
#[derive(Default)]
pub(crate) struct Names(Vec<(String, String)>);

pub(crate) type Checked<T> = Result<T, WorldError>;

impl Validator<'_> {
    fn err(
        &self,
        field: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> WorldError {
        WorldError::Invalid {
            file: self.file.to_owned(),
            field: field.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    fn finite(&self, field: &str, values: &[f64]) -> Checked<()> {
        if values.iter().all(|v| v.is_finite()) {
            Ok(())
        } else {
            Err(self.err(
                field,
                format!("{values:?} is not a finite number"),
                "use plain decimal numbers (no .nan or .inf)",
            ))
        }
    }

    fn positive(&self, field: &str, v: f64) -> Checked<()> {
        self.finite(field, &[v])?;
        if v > 0.0 {
            Ok(())
        } else {
            Err(self.err(
                field,
                format!("{v} must be greater than zero"),
                "give a positive value",
            ))
        }
    }

    /// `p` lies within the world's extent (none: any finite point, as in a map frame).
    fn inside(&self, field: &str, size: Option<V2>, p: V2) -> Checked<()> {
        let Some(size) = size else { return Ok(()) };
        if (0.0..=size.x).contains(&p.x) && (0.0..=size.y).contains(&p.y) {
            Ok(())
        } else {
            Err(self.err(
                field,
                format!(
                    "({}, {}) lies outside the world (0..{}, 0..{})",
                    p.x, p.y, size.x, size.y
                ),
                "move it inside `size`, or enlarge `size`",
            ))
        }
    }

    fn polygon(&self, field: &str, points: &[[f64; 2]], size: Option<V2>) -> Checked<Polygon> {
        if points.len() < 3 {
            return Err(self.err(
                field,
                format!(
                    "a polygon needs at least 3 points, this one has {}",
                    points.len()
                ),
                "list at least three [x, y] corners",
            ));
        }
        let mut out = Vec::with_capacity(points.len());
        for (i, p) in points.iter().enumerate() {
            self.finite(&format!("{field}[{i}]"), p)?;
            let v = V2::new(p[0], p[1]);
            self.inside(&format!("{field}[{i}]"), size, v)?;
            out.push(v);
        }
        let poly = Polygon { points: out };
        if poly.signed_area().abs() < 1e-9 {
            return Err(self.err(
                field,
                "the polygon has no area (its points are collinear)",
                "give corners that enclose a region",
            ));
        }
        Ok(poly)
    }

    /// Claims `name` (case and surrounding space ignored) for `field`; refuses a name already
    /// claimed, naming its owner.
    pub(crate) fn claim(&self, names: &mut Names, field: String, name: &str) -> Checked<()> {
        let key = name.trim().to_lowercase();
        if key.is_empty() {
            return Err(self.err(field, "the name is empty", "give it a name"));
        }
        if let Some((other, _)) = names.0.iter().find(|(_, n)| *n == key) {
            return Err(self.err(
                field,
                format!("the name {name:?} is already used by {other}"),
                "give every place and object a unique name (case is ignored)",
            ));
        }
        names.0.push((field, key));
        Ok(())
    }

    /// The named places of a file, within `size` when the file has one.
    pub(crate) fn places(
        &self,
        raw: &IndexMap<String, PlaceFile>,
        size: Option<V2>,
        names: &mut Names,
    ) -> Checked<Vec<Place>> {
        let mut places = Vec::with_capacity(raw.len());
        for (name, p) in raw {
            let field = format!("places.{name}");
            self.claim(names, field.clone(), name)?;
            let region = match (&p.center, p.radius, &p.polygon) {
                (Some(c), Some(r), None) => {
                    self.finite(&format!("{field}.center"), c)?;
                    self.positive(&format!("{field}.radius"), r)?;
                    let center = V2::new(c[0], c[1]);
                    self.inside(&format!("{field}.center"), size, center)?;
                    Region::Circle(Circle { center, radius: r })
                }
                (None, None, Some(poly)) => {
                    Region::Polygon(self.polygon(&format!("{field}.polygon"), poly, size)?)
                }
                _ => {
                    return Err(self.err(
                        field,
                        "a place is either a circle or a polygon",
                        "give `center` and `radius`, or `polygon` alone",
                    ));
                }
            };
            let mut aliases = Vec::with_capacity(p.aliases.len());
            for (j, a) in p.aliases.iter().enumerate() {
                self.claim(names, format!("{field}.aliases[{j}]"), a)?;
                aliases.push(a.trim().to_owned());
            }
            places.push(Place {
                name: name.trim().to_owned(),
                aliases,
                region,
            });
        }
        Ok(places)
    }

    /// Keep-out polygons, within `size` when the file has one.
    pub(crate) fn keep_out(
        &self,
        raw: &[Vec<[f64; 2]>],
        size: Option<V2>,
    ) -> Checked<Vec<Polygon>> {
        raw.iter()
            .enumerate()
            .map(|(i, k)| self.polygon(&format!("keep_out[{i}]"), k, size))
            .collect()
    }

    fn world(&self, raw: WorldFile) -> Checked<World> {
        if raw.name.trim().is_empty() {
            return Err(self.err("name", "is empty", "give the world a name"));
        }
        self.finite("size", &raw.size)?;
        self.positive("size[0]", raw.size[0])?;
        self.positive("size[1]", raw.size[1])?;
        let size = V2::new(raw.size[0], raw.size[1]);
        let resolution = raw.resolution.unwrap_or(DEFAULT_RESOLUTION);
        self.positive("resolution", resolution)?;
        if size.x / resolution > MAX_MAP_CELLS_PER_SIDE
            || size.y / resolution > MAX_MAP_CELLS_PER_SIDE
        {
            return Err(self.err(
                "resolution",
                format!(
                    "{resolution} m cells make a map over {MAX_MAP_CELLS_PER_SIDE} cells per side"
                ),
                "use a coarser resolution",
            ));
        }

        let mut walls = Vec::with_capacity(raw.walls.len());
        for (i, w) in raw.walls.iter().enumerate() {
            let field = format!("walls[{i}]");
            self.finite(&field, w)?;
            let (a, b) = (V2::new(w[0], w[1]), V2::new(w[2], w[3]));
            self.inside(&field, Some(size), a)?;
            self.inside(&field, Some(size), b)?;
            walls.push(Wall {
                a,
                b,
                rect: Rect::wall(a, b, WALL_THICKNESS),
            });
        }

        let mut names = Names::default();
        let places = self.places(&raw.places, Some(size), &mut names)?;
        let claim = |field: String, name: &str, names: &mut Names| self.claim(names, field, name);

        let mut objects = Vec::with_capacity(raw.objects.len());
        for (i, o) in raw.objects.iter().enumerate() {
            let field = format!("objects[{i}]");
            claim(format!("{field} ({})", o.name), &o.name, &mut names)?;
            if o.class.trim().is_empty() {
                return Err(self.err(
                    format!("{field}.class"),
                    "is empty",
                    "give the object's class, e.g. cup",
                ));
            }
            self.finite(&format!("{field}.at"), &o.at)?;
            let at = V2::new(o.at[0], o.at[1]);
            self.inside(&format!("{field}.at"), Some(size), at)?;
            let obj_size = o.size.unwrap_or(DEFAULT_OBJECT_SIZE);
            self.positive(&format!("{field}.size"), obj_size)?;
            objects.push(Object {
                name: o.name.trim().to_owned(),
                class: o.class.trim().to_owned(),
                color: o.color.clone(),
                at,
                size: obj_size,
                solid: o.solid.unwrap_or(true),
            });
        }

        let keep_out = self.keep_out(&raw.keep_out, Some(size))?;

        let robots = match (&raw.robot, &raw.robots) {
            (Some(r), None) => {
                if r.name.is_some() {
                    return Err(self.err(
                        "robot.name",
                        "a lone robot has no name (its topics are not in a namespace)",
                        "remove `name`, or list the robots under `robots:` to give each a namespace",
                    ));
                }
                let spec = self.robot("robot", r, size, &walls, &objects, &keep_out)?;
                vec![RobotEntry { name: None, spec }]
            }
            (None, Some(list)) => self.fleet(list, size, &walls, &objects, &keep_out)?,
            (Some(_), Some(_)) => {
                return Err(self.err(
                    "robots",
                    "the file has both `robot` and `robots`",
                    "keep `robot:` for one robot, or `robots:` for a fleet, not both",
                ));
            }
            (None, None) => {
                return Err(self.err(
                    "robot",
                    "missing field `robot` (or `robots` for a fleet)",
                    "add the missing key: `robot: {start: [x, y, yaw]}`, or `robots:` with a `name` and `start` per robot",
                ));
            }
        };

        Ok(World {
            name: raw.name,
            size,
            resolution,
            walls,
            places,
            objects,
            keep_out,
            robot: robots[0].spec.clone(),
            robots,
            source: None,
        })
    }

    /// The robots of `robots:`: each named with a namespace token, names unique, at least
    /// one, and no two bodies overlapping at the start.
    fn fleet(
        &self,
        list: &[RobotFile],
        size: V2,
        walls: &[Wall],
        objects: &[Object],
        keep_out: &[Polygon],
    ) -> Checked<Vec<RobotEntry>> {
        if list.is_empty() {
            return Err(self.err(
                "robots",
                "the list is empty",
                "list at least one robot with a `name` and `start`, or use `robot:` for one",
            ));
        }
        let mut out: Vec<RobotEntry> = Vec::with_capacity(list.len());
        for (i, r) in list.iter().enumerate() {
            let field = format!("robots[{i}]");
            let Some(name) = r.name.as_deref() else {
                return Err(self.err(
                    format!("{field}.name"),
                    "is missing",
                    "give every robot of `robots:` a name, its ROS 2 namespace, e.g. robot1",
                ));
            };
            if !is_ros_name_token(name) {
                return Err(self.err(
                    format!("{field}.name"),
                    format!("{name:?} is not a valid ROS 2 namespace"),
                    "use a letter or underscore, then letters, digits and underscores, e.g. robot1",
                ));
            }
            if let Some(j) = out.iter().position(|o| o.name.as_deref() == Some(name)) {
                return Err(self.err(
                    format!("{field}.name"),
                    format!("{name:?} is already the name of robots[{j}]"),
                    "give every robot a unique name",
                ));
            }
            let spec = self.robot(&field, r, size, walls, objects, keep_out)?;
            let start = V2::new(spec.start[0], spec.start[1]);
            if let Some((j, other)) = out.iter().enumerate().find(|(_, o)| {
                (V2::new(o.spec.start[0], o.spec.start[1]) - start).norm()
                    < o.spec.radius + spec.radius
            }) {
                return Err(self.err(
                    format!("{field}.start"),
                    format!(
                        "{name} at ({}, {}) overlaps robots[{j}] ({}) at ({}, {})",
                        start.x,
                        start.y,
                        other.name.as_deref().unwrap_or_default(),
                        other.spec.start[0],
                        other.spec.start[1]
                    ),
                    "start the robots further apart than the sum of their radii",
                ));
            }
            out.push(RobotEntry {
                name: Some(name.to_owned()),
                spec,
            });
        }
        Ok(out)
    }

    /// One robot's body and start; `field` names it in errors (`robot`, `robots[1]`).
    fn robot(
        &self,
        field: &str,
        r: &RobotFile,
        size: V2,
        walls: &[Wall],
        objects: &[Object],
        keep_out: &[Polygon],
    ) -> Checked<RobotSpec> {
        let f = |key: &str| format!("{field}.{key}");
        self.finite(&f("start"), &r.start)?;
        self.positive(&f("radius"), r.radius)?;
        self.positive(&f("max_linear"), r.max_linear)?;
        self.positive(&f("max_angular"), r.max_angular)?;
        self.positive(&f("max_linear_accel"), r.max_linear_accel)?;
        self.positive(&f("max_angular_accel"), r.max_angular_accel)?;
        let start = V2::new(r.start[0], r.start[1]);
        self.inside(&f("start"), Some(size), start)?;
        if let Some(i) = walls.iter().position(|w| w.rect.distance(start) < r.radius) {
            return Err(self.err(
                f("start"),
                format!(
                    "the robot (radius {}) at ({}, {}) overlaps walls[{i}]",
                    r.radius, start.x, start.y
                ),
                "move the start into free space",
            ));
        }
        if let Some(o) = objects
            .iter()
            .find(|o| o.solid && o.circle().distance(start) < r.radius)
        {
            return Err(self.err(
                f("start"),
                format!(
                    "the robot at ({}, {}) overlaps the solid object {:?}",
                    start.x, start.y, o.name
                ),
                "move the start into free space",
            ));
        }
        if let Some(i) = keep_out
            .iter()
            .position(|k| k.overlaps_disc(start, r.radius))
        {
            return Err(self.err(
                f("start"),
                format!(
                    "the robot at ({}, {}) starts inside keep_out[{i}]",
                    start.x, start.y
                ),
                "move the start out of the keep-out zone",
            ));
        }
        Ok(RobotSpec {
            start: r.start,
            radius: r.radius,
            max_linear: r.max_linear,
            max_angular: r.max_angular,
            max_linear_accel: r.max_linear_accel,
            max_angular_accel: r.max_angular_accel,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name: apartment
size: [12.0, 8.0]
resolution: 0.05
walls:
  - [0.0, 0.0, 12.0, 0.0]
places:
  kitchen: {center: [2.0, 6.0], radius: 1.2}
  hallway: {polygon: [[4, 0], [6, 0], [6, 8], [4, 8]]}
objects:
  - {name: red cup, class: cup, color: red, at: [2.5, 6.5], size: 0.1, solid: false}
  - {name: sofa, class: sofa, at: [9.0, 2.0], size: 1.0}
keep_out:
  - [[10, 6], [12, 6], [12, 8], [10, 8]]
robot: {start: [1.0, 1.0, 0.0], radius: 0.18, max_linear: 0.5, max_angular: 1.5}
"#;

    fn refused(yaml: &str) -> WorldError {
        World::parse(yaml, "bad.yaml").expect_err("world should be refused")
    }

    fn with(from: &str, to: &str) -> String {
        assert!(GOOD.contains(from), "{from}");
        GOOD.replace(from, to)
    }

    #[test]
    fn the_documented_example_parses() {
        let w = World::parse(GOOD, "good.yaml").unwrap();
        assert_eq!(w.name, "apartment");
        assert_eq!(
            w.places.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["kitchen", "hallway"]
        );
        assert!(!w.object("red cup").unwrap().solid);
        assert!(w.object("sofa").unwrap().solid);
        assert_eq!(w.place_at(V2::new(5.0, 3.0)).unwrap().name, "hallway");
        assert_eq!(w.keep_out.len(), 1);
    }

    #[test]
    fn a_point_in_nested_places_is_in_the_innermost_whatever_the_file_order() {
        // The booth is listed after the studio that holds it, the alcove before its hall.
        let yaml = GOOD.replace(
            "  hallway: {polygon: [[4, 0], [6, 0], [6, 8], [4, 8]]}",
            "  alcove: {center: [5.0, 7.0], radius: 0.5}\n  hallway: {polygon: [[4, 0], [6, 0], [6, 8], [4, 8]]}\n  booth: {polygon: [[4, 0], [5, 0], [5, 1], [4, 1]]}",
        );
        let w = World::parse(&yaml, "nested.yaml").unwrap();
        assert_eq!(w.place_at(V2::new(4.5, 0.5)).unwrap().name, "booth");
        assert_eq!(w.place_at(V2::new(5.0, 7.0)).unwrap().name, "alcove");
        assert_eq!(w.place_at(V2::new(5.5, 3.0)).unwrap().name, "hallway");
    }

    #[test]
    fn object_size_defaults_to_20cm() {
        let w = World::parse(&with("at: [9.0, 2.0], size: 1.0", "at: [9.0, 2.0]"), "x").unwrap();
        assert_eq!(w.object("sofa").unwrap().size, 0.2);
    }

    #[test]
    fn unknown_key_is_refused_naming_file_key_and_fix() {
        let e = refused(&with("resolution: 0.05", "resolution: 0.05\ncolour: blue")).to_string();
        assert!(e.starts_with("bad.yaml:"), "{e}");
        assert!(
            e.contains("unknown field `colour`") && e.contains("Fix:"),
            "{e}"
        );
    }

    #[test]
    fn unknown_key_inside_an_object_is_refused() {
        let e = refused(&with("solid: false}", "solid: false, weight: 2}")).to_string();
        assert!(e.contains("unknown field `weight`"), "{e}");
    }

    #[test]
    fn start_inside_a_wall_is_refused() {
        let e = refused(&with("start: [1.0, 1.0, 0.0]", "start: [1.0, 0.1, 0.0]"));
        assert_eq!(e.field(), Some("robot.start"));
        assert!(e.to_string().contains("walls[0]"), "{e}");
    }

    #[test]
    fn start_inside_a_solid_object_is_refused() {
        let e = refused(&with("start: [1.0, 1.0, 0.0]", "start: [9.2, 2.0, 0.0]"));
        assert!(e.to_string().contains("sofa"), "{e}");
    }

    #[test]
    fn start_inside_keep_out_is_refused() {
        let e = refused(&with("start: [1.0, 1.0, 0.0]", "start: [11.0, 7.0, 0.0]"));
        assert_eq!(e.field(), Some("robot.start"));
        assert!(e.to_string().contains("keep_out[0]"), "{e}");
    }

    #[test]
    fn polygon_with_fewer_than_three_points_is_refused() {
        let e = refused(&with(
            "[[10, 6], [12, 6], [12, 8], [10, 8]]",
            "[[10, 6], [12, 6]]",
        ));
        assert_eq!(e.field(), Some("keep_out[0]"));
        assert!(e.to_string().contains("at least 3 points"), "{e}");
        let e = refused(&with(
            "[[4, 0], [6, 0], [6, 8], [4, 8]]",
            "[[4, 0], [6, 0]]",
        ));
        assert_eq!(e.field(), Some("places.hallway.polygon"));
    }

    #[test]
    fn nan_anywhere_is_refused() {
        let e = refused(&with("at: [2.5, 6.5]", "at: [.nan, 6.5]"));
        assert_eq!(e.field(), Some("objects[0].at"));
        assert!(e.to_string().contains("finite"), "{e}");
        let e = refused(&with("radius: 1.2", "radius: .nan"));
        assert_eq!(e.field(), Some("places.kitchen.radius"));
        let e = refused(&with("[0.0, 0.0, 12.0, 0.0]", "[0.0, 0.0, .inf, 0.0]"));
        assert_eq!(e.field(), Some("walls[0]"));
    }

    #[test]
    fn overlapping_names_are_refused() {
        let e = refused(&with("name: sofa,", "name: Kitchen,"));
        assert!(
            e.to_string().contains("already used by places.kitchen"),
            "{e}"
        );
        let e = refused(&with("name: sofa,", "name: red cup,"));
        assert!(e.to_string().contains("already used"), "{e}");
    }

    #[test]
    fn places_answer_to_their_aliases_which_are_unique_like_names() {
        let w = World::parse(
            &with("[4, 8]]}", "[4, 8]], aliases: [corridor, Passage]}"),
            "x",
        )
        .unwrap();
        let hallway = w.place("hallway").unwrap();
        assert_eq!(hallway.aliases, ["corridor", "Passage"]);
        assert!(hallway.is_called("passage") && hallway.is_called(" Hallway "));
        assert!(!hallway.is_called("kitchen"));
        let e = refused(&with("[4, 8]]}", "[4, 8]], aliases: [sofa]}"));
        assert_eq!(e.field(), Some("objects[1] (sofa)"));
        let e = refused(&with("[4, 8]]}", "[4, 8]], aliases: [Kitchen]}"));
        assert_eq!(e.field(), Some("places.hallway.aliases[0]"));
    }

    #[test]
    fn duplicate_place_keys_are_refused() {
        let e = refused(&with(
            "  hallway: {polygon",
            "  kitchen: {center: [3.0, 6.0], radius: 1.0}\n  hallway: {polygon",
        ));
        assert!(e.to_string().contains("duplicate"), "{e}");
    }

    #[test]
    fn place_must_be_circle_or_polygon() {
        let e = refused(&with(
            "{center: [2.0, 6.0], radius: 1.2}",
            "{center: [2.0, 6.0]}",
        ));
        assert_eq!(e.field(), Some("places.kitchen"));
    }

    #[test]
    fn things_outside_the_world_are_refused() {
        let e = refused(&with("at: [9.0, 2.0]", "at: [19.0, 2.0]"));
        assert_eq!(e.field(), Some("objects[1].at"));
    }

    #[test]
    fn missing_robot_is_refused() {
        let yaml = GOOD
            .lines()
            .filter(|l| !l.starts_with("robot"))
            .collect::<Vec<_>>()
            .join("\n");
        let e = refused(&yaml).to_string();
        assert!(
            e.contains("missing field `robot`") && e.contains("add the missing key"),
            "{e}"
        );
    }

    const FLEET: &str = "robots:\n  - {name: robot1, start: [1.0, 1.0, 0.0]}\n  - {name: robot2, start: [1.0, 2.0, 0.0], radius: 0.2}\n  - {name: robot3, start: [2.0, 1.0, 1.57]}";

    fn fleet(robots: &str) -> String {
        with(
            "robot: {start: [1.0, 1.0, 0.0], radius: 0.18, max_linear: 0.5, max_angular: 1.5}",
            robots,
        )
    }

    #[test]
    fn a_lone_robot_has_no_namespace() {
        let w = World::parse(GOOD, "good.yaml").unwrap();
        assert_eq!(w.robots.len(), 1);
        let r = &w.robots[0];
        assert_eq!(r.name, None);
        assert_eq!(r.spec, w.robot);
        assert_eq!(r.topic("scan"), "/scan");
        assert_eq!(r.frame("base_link"), "base_link");
        assert_eq!(r.namespace(), "/");
    }

    #[test]
    fn a_fleet_names_each_robot_its_namespace_and_frame_prefix() {
        let w = World::parse(&fleet(FLEET), "fleet.yaml").unwrap();
        let names: Vec<_> = w.robots.iter().map(|r| r.name.clone().unwrap()).collect();
        assert_eq!(names, ["robot1", "robot2", "robot3"]);
        assert_eq!(
            w.robot, w.robots[0].spec,
            "`robot` is the first of the fleet"
        );
        assert_eq!(w.robots[1].spec.radius, 0.2);
        assert_eq!(w.robots[2].spec.max_linear, 0.5, "defaults as for `robot`");
        let r = &w.robots[1];
        assert_eq!(r.topic("cmd_vel"), "/robot2/cmd_vel");
        assert_eq!(r.frame("odom"), "robot2/odom");
        assert_eq!(r.namespace(), "/robot2");
    }

    #[test]
    fn bad_fleets_are_refused_naming_the_field_and_the_fix() {
        let dup = FLEET.replace("name: robot3", "name: robot1");
        let e = refused(&fleet(&dup));
        assert_eq!(e.field(), Some("robots[2].name"));
        assert!(
            e.to_string().contains("already the name of robots[0]")
                && e.to_string().contains("unique"),
            "{e}"
        );
        let overlap = FLEET.replace("[1.0, 2.0, 0.0]", "[1.2, 1.1, 0.0]");
        let e = refused(&fleet(&overlap));
        assert_eq!(e.field(), Some("robots[1].start"));
        assert!(e.to_string().contains("overlaps robots[0] (robot1)"), "{e}");
        for bad in ["2robot", "robot-1", "robot/1", "''"] {
            let e = refused(&fleet(
                &FLEET.replace("name: robot2", &format!("name: {bad}")),
            ));
            assert_eq!(e.field(), Some("robots[1].name"), "{bad}");
            assert!(e.to_string().contains("ROS 2 namespace"), "{e}");
        }
        let e = refused(&fleet(&FLEET.replace("name: robot2, ", "")));
        assert_eq!(e.field(), Some("robots[1].name"));
        let e = refused(&fleet(&FLEET.replace("[1.0, 2.0, 0.0]", "[1.0, 0.1, 0.0]")));
        assert_eq!(e.field(), Some("robots[1].start"));
        assert!(e.to_string().contains("walls[0]"), "{e}");
        let e = refused(&fleet("robots: []"));
        assert_eq!(e.field(), Some("robots"));
        let e = refused(&format!("{GOOD}{FLEET}\n"));
        assert!(e.to_string().contains("both `robot` and `robots`"), "{e}");
        let e = refused(&with(
            "start: [1.0, 1.0, 0.0]",
            "name: r1, start: [1.0, 1.0, 0.0]",
        ));
        assert_eq!(e.field(), Some("robot.name"));
    }

    #[test]
    fn unreadable_file_names_the_path() {
        let e = World::load("/nonexistent/world.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/world.yaml"), "{e}");
    }
}
