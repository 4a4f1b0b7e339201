//! What the console shows. A node (`embodia agent`, `embodia sim`) shows its own events at
//! info, one line each, and the DDS transport's only when they are errors — RustDDS's
//! internal warnings are long and many, and say nothing a user can act on. `--log-level`
//! (ROS 2 style: `debug`, or `rustdds:=debug` for one logger) and `RUST_LOG` open it all up;
//! `RUST_LOG` wins.

/// The crates whose events are this program's own.
const OWN: &[&str] = &[
    "embodia",
    "embodia_actuation",
    "embodia_llm",
    "embodia_memory",
    "embodia_models",
    "embodia_perception",
    "embodia_planner",
    "embodia_ros",
    "embodia_sim",
    "embodia_world",
];

/// The transport's crates, quiet unless something fails.
const TRANSPORT: &[&str] = &["rustdds", "ros2_client"];

/// Why a `--log-level` value was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "--log-level {0:?}: not a level. Fix: use debug, info, warn, error or fatal, or NAME:=LEVEL"
)]
pub struct BadLevel(String);

/// A ROS 2 severity as a `tracing` level.
fn level(ros: &str) -> Option<&'static str> {
    match ros.trim().to_ascii_lowercase().as_str() {
        "debug" => Some("debug"),
        "info" => Some("info"),
        "warn" | "warning" => Some("warn"),
        "error" => Some("error"),
        "fatal" => Some("error"),
        "unset" | "trace" => Some("trace"),
        _ => None,
    }
}

/// The filter directives for a run: `RUST_LOG` as given if set; else the defaults (own
/// crates at info for a node, at warn otherwise; the transport at error) with `--log-level`
/// applied on top — a bare level to everything, `NAME:=LEVEL` to one logger.
pub fn directives(
    rust_log: Option<&str>,
    log_level: Option<&str>,
    node: bool,
) -> Result<String, BadLevel> {
    if let Some(env) = rust_log.filter(|e| !e.trim().is_empty()) {
        return Ok(env.to_owned());
    }
    let own = if node { "info" } else { "warn" };
    let mut out = vec!["warn".to_owned()];
    out.extend(OWN.iter().map(|c| format!("{c}={own}")));
    out.extend(TRANSPORT.iter().map(|c| format!("{c}=error")));
    if let Some(given) = log_level {
        match given.split_once(":=") {
            Some((name, lv)) => {
                let lv = level(lv).ok_or_else(|| BadLevel(given.to_owned()))?;
                out.push(format!("{}={lv}", name.trim().replace(['.', '/'], "::")));
            }
            None => {
                let lv = level(given).ok_or_else(|| BadLevel(given.to_owned()))?;
                out = vec![lv.to_owned()];
            }
        }
    }
    Ok(out.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_shows_its_own_events_and_only_the_transports_errors() {
        let d = directives(None, None, true).unwrap();
        assert!(
            d.contains("embodia=info") && d.contains("embodia_planner=info"),
            "{d}"
        );
        assert!(
            d.contains("rustdds=error") && d.contains("ros2_client=error"),
            "{d}"
        );
        let d = directives(None, None, false).unwrap();
        assert!(
            d.contains("embodia=warn") && d.contains("rustdds=error"),
            "{d}"
        );
        tracing_subscriber::EnvFilter::try_new(&d).expect("valid directives");
    }

    #[test]
    fn log_level_opens_everything_or_one_logger_and_rust_log_wins() {
        assert_eq!(directives(None, Some("debug"), true).unwrap(), "debug");
        assert_eq!(directives(None, Some("FATAL"), true).unwrap(), "error");
        let one = directives(None, Some("rustdds:=debug"), true).unwrap();
        assert!(one.ends_with(",rustdds=debug"), "{one}");
        tracing_subscriber::EnvFilter::try_new(&one).expect("valid directives");
        assert_eq!(
            directives(Some("embodia=trace"), Some("error"), true).unwrap(),
            "embodia=trace"
        );
    }

    #[test]
    fn a_level_that_is_not_one_is_an_error_naming_it() {
        let e = directives(None, Some("loud"), true).unwrap_err();
        assert!(
            e.to_string().contains("\"loud\"") && e.to_string().contains("Fix:"),
            "{e}"
        );
        assert!(directives(None, Some("rustdds:=loud"), true).is_err());
    }
}
