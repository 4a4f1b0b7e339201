//! What ROS 2 launch passes to a node: `--ros-args` with remaps, namespace, node name and
//! parameters. `ros2-client` does not parse these, so we do, following the ROS 2 design
//! ("ROS command line arguments"): `-r/--remap [node:]from:=to`, `-r __ns:=/ns`,
//! `-r __node:=name`, `-p/--param [node:]name:=value`, `--params-file FILE`, `--log-level`,
//! `-e/--enclave` (accepted and ignored: there is no security here). Parameters from files
//! come first, then `-p` overrides, in order.

use std::collections::BTreeMap;
use std::path::Path;

use thiserror::Error;

/// A parameter value as ROS 2 types it.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// `bool`.
    Bool(bool),
    /// `int64`.
    Integer(i64),
    /// `double`.
    Double(f64),
    /// `string`.
    String(String),
    /// `string[]`, `double[]` and the like, kept as their items.
    Array(Vec<ParamValue>),
}

impl ParamValue {
    /// The ROS 2 type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ParamValue::Bool(_) => "bool",
            ParamValue::Integer(_) => "integer",
            ParamValue::Double(_) => "double",
            ParamValue::String(_) => "string",
            ParamValue::Array(_) => "array",
        }
    }

    /// As a double (integers widen, as rclcpp does for double parameters given as `1`).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Double(v) => Some(*v),
            ParamValue::Integer(v) => Some(*v as f64),
            _ => None,
        }
    }

    /// Parses a `-p name:=value` value the way ROS 2 does: YAML.
    pub fn parse_cli(text: &str) -> Result<Self, String> {
        let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        Self::from_yaml(&v)
    }

    fn from_yaml(v: &serde_yaml::Value) -> Result<Self, String> {
        use serde_yaml::Value as Y;
        Ok(match v {
            Y::Bool(b) => ParamValue::Bool(*b),
            Y::Number(n) if n.is_i64() => ParamValue::Integer(n.as_i64().unwrap_or_default()),
            Y::Number(n) => ParamValue::Double(n.as_f64().unwrap_or(f64::NAN)),
            Y::String(s) => ParamValue::String(s.clone()),
            Y::Sequence(items) => ParamValue::Array(
                items
                    .iter()
                    .map(Self::from_yaml)
                    .collect::<Result<_, _>>()?,
            ),
            Y::Null => return Err("a parameter cannot be null".into()),
            Y::Mapping(_) => return Err("a mapping is not a parameter value".into()),
            Y::Tagged(t) => return Self::from_yaml(&t.value),
        })
    }
}

/// Why the arguments were refused.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ArgsError {
    /// A flag ROS 2 does not define (or we do not support).
    #[error(
        "unknown ROS argument {0:?}. Fix: use -r/--remap, -p/--param, --params-file, --log-level or -e/--enclave"
    )]
    UnknownFlag(String),
    /// A flag without its value.
    #[error("ROS argument {0} needs a value")]
    MissingValue(String),
    /// `-r` or `-p` without `:=`.
    #[error("{flag} {text:?} is not NAME:=VALUE. Fix: write e.g. {flag} max_linear:=0.4")]
    NotAnAssignment {
        /// The flag.
        flag: &'static str,
        /// What was given.
        text: String,
    },
    /// A value that does not parse.
    #[error("parameter {name}: {problem}")]
    BadValue {
        /// The parameter.
        name: String,
        /// Why.
        problem: String,
    },
    /// A parameters file could not be read or parsed.
    #[error("{file}: {problem}. Fix: {fix}")]
    ParamsFile {
        /// The file.
        file: String,
        /// What is wrong.
        problem: String,
        /// How to mend it.
        fix: &'static str,
    },
}

/// Parsed ROS arguments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RosArgs {
    /// Node name from `__node:=`.
    pub node_name: Option<String>,
    /// Namespace from `__ns:=`.
    pub namespace: Option<String>,
    /// Topic remaps `from -> to`, for this node.
    pub remaps: Vec<(String, String)>,
    /// Parameters for this node, files first then `-p`, later ones winning.
    pub params: BTreeMap<String, ParamValue>,
    /// Log level, if given.
    pub log_level: Option<String>,
    /// Arguments outside `--ros-args ... --`, for the program itself.
    pub program_args: Vec<String>,
}

impl RosArgs {
    /// Parses `args` (without the program name) for the node called `default_node`.
    pub fn parse(args: &[String], default_node: &str) -> Result<Self, ArgsError> {
        let mut out = RosArgs::default();
        let mut ros = Vec::new();
        let mut in_ros = false;
        for a in args {
            match a.as_str() {
                "--ros-args" => in_ros = true,
                "--" if in_ros => in_ros = false,
                _ if in_ros => ros.push(a.clone()),
                _ => out.program_args.push(a.clone()),
            }
        }
        // Node name and namespace first: parameter sections are matched against them.
        let mut files = Vec::new();
        let mut cli_params = Vec::new();
        let mut it = ros.iter();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| ArgsError::MissingValue(flag.clone()))
            };
            match flag.as_str() {
                "-r" | "--remap" => {
                    let text = value()?;
                    let (lhs, to) = split_assign("-r", &text)?;
                    let from = match lhs.rsplit_once(':') {
                        Some((node, from)) if !from.is_empty() => {
                            if node != default_node && out.node_name.as_deref() != Some(node) {
                                continue; // a remap for another node
                            }
                            from.to_owned()
                        }
                        _ => lhs,
                    };
                    match from.as_str() {
                        "__ns" => out.namespace = Some(to),
                        "__node" | "__name" => out.node_name = Some(to),
                        _ => out.remaps.push((from, to)),
                    }
                }
                "-p" | "--param" => cli_params.push(value()?),
                "--params-file" => files.push(value()?),
                "--log-level" => out.log_level = Some(value()?),
                "-e" | "--enclave" => {
                    value()?;
                }
                other => return Err(ArgsError::UnknownFlag(other.to_owned())),
            }
        }
        let node = out
            .node_name
            .clone()
            .unwrap_or_else(|| default_node.to_owned());
        let fq = fully_qualified(out.namespace.as_deref(), &node);
        for f in files {
            for (k, v) in params_file(Path::new(&f), &node, &fq)? {
                out.params.insert(k, v);
            }
        }
        for text in cli_params {
            let (lhs, value) = split_assign("-p", &text)?;
            let name = match lhs.rsplit_once(':') {
                Some((n, name)) if n == node || n == fq => name.to_owned(),
                Some(_) => continue, // for another node
                None => lhs,
            };
            let v = ParamValue::parse_cli(&value).map_err(|problem| ArgsError::BadValue {
                name: name.clone(),
                problem,
            })?;
            out.params.insert(name, v);
        }
        Ok(out)
    }

    /// `topic` after this node's remaps and namespace (absolute topics keep their name).
    pub fn resolve_topic(&self, topic: &str) -> String {
        let remapped = self
            .remaps
            .iter()
            .rev()
            .find(|(from, _)| {
                from == topic || from.trim_start_matches('/') == topic.trim_start_matches('/')
            })
            .map(|(_, to)| to.clone())
            .unwrap_or_else(|| topic.to_owned());
        if remapped.starts_with('/') {
            remapped
        } else {
            let ns = self
                .namespace
                .as_deref()
                .unwrap_or("/")
                .trim_end_matches('/');
            format!("{ns}/{remapped}")
        }
    }
}

fn fully_qualified(ns: Option<&str>, node: &str) -> String {
    let ns = ns.unwrap_or("/").trim_end_matches('/');
    format!("{ns}/{node}")
}

fn split_assign(flag: &'static str, text: &str) -> Result<(String, String), ArgsError> {
    match text.split_once(":=") {
        Some((l, r)) if !l.is_empty() => Ok((l.to_owned(), r.to_owned())),
        _ => Err(ArgsError::NotAnAssignment {
            flag,
            text: text.to_owned(),
        }),
    }
}

/// Parameters for `node` from a ROS 2 parameters file: the sections `/**`, `node`, `/ns/node`
/// (in file order), each `ros__parameters:` flattened with dots (`topics: {scan: x}` ->
/// `topics.scan`).
pub fn params_file(
    path: &Path,
    node: &str,
    fq_node: &str,
) -> Result<Vec<(String, ParamValue)>, ArgsError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ArgsError::ParamsFile {
        file: file.clone(),
        problem: e.to_string(),
        fix: "check the path",
    })?;
    let bad = |problem: String| ArgsError::ParamsFile {
        file: file.clone(),
        problem,
        fix: "write `node_name:` or `/**:` with `ros__parameters:` under it",
    };
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let top = doc
        .as_mapping()
        .ok_or_else(|| bad("the file is not a mapping".into()))?;
    let mut out = Vec::new();
    for (key, section) in top {
        let key = key
            .as_str()
            .ok_or_else(|| bad("a section name is not a string".into()))?;
        let matches =
            key == "/**" || key == node || key == fq_node || key.trim_start_matches('/') == node;
        if !matches {
            continue;
        }
        let params = section
            .get("ros__parameters")
            .ok_or_else(|| bad(format!("section {key:?} has no ros__parameters")))?;
        flatten("", params, &mut out).map_err(bad)?;
    }
    Ok(out)
}

fn flatten(
    prefix: &str,
    v: &serde_yaml::Value,
    out: &mut Vec<(String, ParamValue)>,
) -> Result<(), String> {
    let map = v
        .as_mapping()
        .ok_or_else(|| format!("{prefix:?}: ros__parameters must be a mapping"))?;
    for (k, v) in map {
        let k = k.as_str().ok_or("a parameter name is not a string")?;
        let name = if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}.{k}")
        };
        if v.is_mapping() {
            flatten(&name, v, out)?;
        } else {
            out.push((
                name.clone(),
                ParamValue::from_yaml(v).map_err(|e| format!("parameter {name}: {e}"))?,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn remaps_namespace_and_node_name() {
        let a = RosArgs::parse(
            &args("--ros-args -r __ns:=/robot1 -r __node:=brain -r cmd_vel:=base/cmd_vel -r other_node:scan:=nope -r embodia:odom:=/wheel/odom"),
            "embodia",
        )
        .unwrap();
        assert_eq!(a.namespace.as_deref(), Some("/robot1"));
        assert_eq!(a.node_name.as_deref(), Some("brain"));
        assert_eq!(a.resolve_topic("cmd_vel"), "/robot1/base/cmd_vel");
        assert_eq!(a.resolve_topic("/cmd_vel"), "/robot1/base/cmd_vel");
        assert_eq!(a.resolve_topic("odom"), "/wheel/odom");
        assert_eq!(
            a.resolve_topic("scan"),
            "/robot1/scan",
            "a remap for another node is ignored"
        );
        assert_eq!(a.resolve_topic("/map"), "/map");
    }

    #[test]
    fn params_from_the_command_line_are_typed_as_yaml() {
        let a = RosArgs::parse(
            &args("--ros-args -p max_linear:=0.4 -p stamped:=true -p rate:=20 -p frame:=base_footprint -p ids:=[1,2] -p other:x:=1"),
            "embodia",
        )
        .unwrap();
        assert_eq!(a.params["max_linear"], ParamValue::Double(0.4));
        assert_eq!(a.params["stamped"], ParamValue::Bool(true));
        assert_eq!(a.params["rate"], ParamValue::Integer(20));
        assert_eq!(
            a.params["frame"],
            ParamValue::String("base_footprint".into())
        );
        assert_eq!(
            a.params["ids"],
            ParamValue::Array(vec![ParamValue::Integer(1), ParamValue::Integer(2)])
        );
        assert!(!a.params.contains_key("x"));
    }

    #[test]
    fn program_arguments_stay_outside_ros_args() {
        let a = RosArgs::parse(
            &args("--world w.yaml --ros-args -p a:=1 -- --verbose"),
            "embodia",
        )
        .unwrap();
        assert_eq!(a.program_args, args("--world w.yaml --verbose"));
    }

    #[test]
    fn params_files_match_the_node_and_wildcard_and_cli_overrides() {
        let dir = std::env::temp_dir().join(format!("embodia-args-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("p.yaml");
        std::fs::write(
            &f,
            "/**:\n  ros__parameters:\n    use_sim_time: true\n    max_linear: 0.3\nembodia:\n  ros__parameters:\n    max_linear: 0.45\n    topics:\n      scan: /lidar\nsomeone_else:\n  ros__parameters:\n    max_linear: 9.0\n",
        )
        .unwrap();
        let a = RosArgs::parse(
            &args(&format!(
                "--ros-args --params-file {} -p topics.scan:=/front_scan",
                f.display()
            )),
            "embodia",
        )
        .unwrap();
        assert_eq!(a.params["use_sim_time"], ParamValue::Bool(true));
        assert_eq!(a.params["max_linear"], ParamValue::Double(0.45));
        assert_eq!(
            a.params["topics.scan"],
            ParamValue::String("/front_scan".into())
        );
        std::fs::write(&f, "embodia:\n  parameters:\n    x: 1\n").unwrap();
        let e = RosArgs::parse(
            &args(&format!("--ros-args --params-file {}", f.display())),
            "embodia",
        )
        .unwrap_err();
        assert!(e.to_string().contains("no ros__parameters"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn malformed_arguments_are_refused_with_the_fix() {
        let e = RosArgs::parse(&args("--ros-args --frobnicate"), "n").unwrap_err();
        assert!(matches!(e, ArgsError::UnknownFlag(_)));
        let e = RosArgs::parse(&args("--ros-args -p max_linear=0.4"), "n").unwrap_err();
        assert!(e.to_string().contains("max_linear:=0.4"), "{e}");
        assert!(matches!(
            RosArgs::parse(&args("--ros-args -r"), "n"),
            Err(ArgsError::MissingValue(_))
        ));
        assert!(RosArgs::parse(&args("--ros-args -p x:=[1,"), "n").is_err());
    }
}
