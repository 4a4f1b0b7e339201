//! Plans: typed sequences of skill steps, as planners produce and skills run them.
//!
//! Serialised as `{"steps":[{"skill":"navigate_to","target":"kitchen"},{"skill":"say","text":"..."}]}`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One step of a plan: a skill and its argument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "skill", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Drive to a place, a seen object, or `"x,y"`.
    NavigateTo {
        /// Place name, object name or class, or `"x,y"` in metres.
        target: String,
    },
    /// Turn in place; positive is counter-clockwise (left).
    Rotate {
        /// Angle, degrees.
        degrees: f64,
    },
    /// Drive straight; negative backs up.
    Move {
        /// Distance, metres.
        metres: f64,
    },
    /// Search the places until the detector reports the object.
    LookFor {
        /// Object name or class.
        target: String,
    },
    /// Stand still.
    Wait {
        /// Duration, seconds.
        seconds: f64,
    },
    /// Stop now.
    Stop,
    /// Speak: published on `/agent/say` and recorded.
    Say {
        /// What to say.
        text: String,
    },
    /// Look around (a full turn) and say which objects perception reports: in `place` (the
    /// robot is there), or around the robot. Only what was seen is said.
    Describe {
        /// The place to describe, or none for what is around the robot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place: Option<String>,
    },
}

impl Step {
    /// The skill's name, as in the JSON.
    pub fn skill(&self) -> &'static str {
        match self {
            Step::NavigateTo { .. } => "navigate_to",
            Step::Rotate { .. } => "rotate",
            Step::Move { .. } => "move",
            Step::LookFor { .. } => "look_for",
            Step::Wait { .. } => "wait",
            Step::Stop => "stop",
            Step::Say { .. } => "say",
            Step::Describe { .. } => "describe",
        }
    }
}

/// An ordered list of steps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// Bounds every plan must keep, whoever made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanLimits {
    /// Most steps in one plan.
    pub max_steps: usize,
    /// Largest |rotate| angle, degrees.
    pub max_rotate_degrees: f64,
    /// Largest |move| distance, metres.
    pub max_move_metres: f64,
    /// Longest wait, seconds.
    pub max_wait_seconds: f64,
    /// Longest say text, characters.
    pub max_say_chars: usize,
    /// Longest target, characters.
    pub max_target_chars: usize,
}

impl Default for PlanLimits {
    fn default() -> Self {
        Self {
            max_steps: 16,
            max_rotate_degrees: 720.0,
            max_move_metres: 5.0,
            max_wait_seconds: 60.0,
            max_say_chars: 300,
            max_target_chars: 160,
        }
    }
}

/// Why a plan was refused.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PlanError {
    /// No steps.
    #[error("the plan has no steps")]
    Empty,
    /// Too many steps.
    #[error("the plan has {0} steps; at most {1} are allowed")]
    TooLong(usize, usize),
    /// A step's value is out of range.
    #[error("step {index} ({skill}): {problem}")]
    BadStep {
        /// Position in the plan.
        index: usize,
        /// The skill.
        skill: &'static str,
        /// What is wrong.
        problem: String,
    },
}

impl Plan {
    /// A plan of these steps.
    pub fn new(steps: Vec<Step>) -> Self {
        Self { steps }
    }

    /// Checks every step against `limits`.
    pub fn validate(&self, limits: &PlanLimits) -> Result<(), PlanError> {
        if self.steps.is_empty() {
            return Err(PlanError::Empty);
        }
        if self.steps.len() > limits.max_steps {
            return Err(PlanError::TooLong(self.steps.len(), limits.max_steps));
        }
        for (index, step) in self.steps.iter().enumerate() {
            let bad = |problem: String| PlanError::BadStep {
                index,
                skill: step.skill(),
                problem,
            };
            let in_range = |v: f64, max: f64, what: &str| {
                if v.is_finite() && v.abs() <= max {
                    Ok(())
                } else {
                    Err(bad(format!("{what} {v} is outside -{max}..={max}")))
                }
            };
            match step {
                Step::NavigateTo { target } | Step::LookFor { target } => {
                    let n = target.trim().chars().count();
                    if n == 0 || n > limits.max_target_chars || target.chars().any(char::is_control)
                    {
                        return Err(bad(format!(
                            "target must be 1..={} printable characters",
                            limits.max_target_chars
                        )));
                    }
                }
                Step::Rotate { degrees } => {
                    in_range(*degrees, limits.max_rotate_degrees, "degrees")?
                }
                Step::Move { metres } => in_range(*metres, limits.max_move_metres, "metres")?,
                Step::Wait { seconds } => {
                    in_range(*seconds, limits.max_wait_seconds, "seconds")?;
                    if *seconds < 0.0 {
                        return Err(bad("seconds must not be negative".into()));
                    }
                }
                Step::Stop => {}
                Step::Describe { place } => {
                    if let Some(p) = place
                        && (p.trim().is_empty()
                            || p.chars().count() > limits.max_target_chars
                            || p.chars().any(char::is_control))
                    {
                        return Err(bad(format!(
                            "place must be 1..={} printable characters",
                            limits.max_target_chars
                        )));
                    }
                }
                Step::Say { text } => {
                    if text.chars().count() > limits.max_say_chars {
                        return Err(bad(format!(
                            "text is longer than {} characters",
                            limits.max_say_chars
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_serialise_in_the_documented_shape() {
        let plan = Plan::new(vec![
            Step::NavigateTo {
                target: "kitchen".into(),
            },
            Step::Say {
                text: "here".into(),
            },
            Step::Stop,
        ]);
        let json = serde_json::to_string(&plan).unwrap();
        assert_eq!(
            json,
            r#"{"steps":[{"skill":"navigate_to","target":"kitchen"},{"skill":"say","text":"here"},{"skill":"stop"}]}"#
        );
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
    }

    #[test]
    fn unknown_skills_and_fields_do_not_parse() {
        assert!(
            serde_json::from_str::<Plan>(r#"{"steps":[{"skill":"fly","target":"moon"}]}"#).is_err()
        );
        assert!(
            serde_json::from_str::<Plan>(
                r#"{"steps":[{"skill":"rotate","degrees":90,"speed":9}]}"#
            )
            .is_err()
        );
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let limits = PlanLimits::default();
        assert!(
            Plan::new(vec![Step::Rotate { degrees: f64::NAN }])
                .validate(&limits)
                .is_err()
        );
        assert!(
            Plan::new(vec![Step::Move { metres: 50.0 }])
                .validate(&limits)
                .is_err()
        );
        assert!(
            Plan::new(vec![Step::Wait { seconds: -1.0 }])
                .validate(&limits)
                .is_err()
        );
        assert!(
            Plan::new(vec![Step::NavigateTo { target: " ".into() }])
                .validate(&limits)
                .is_err()
        );
        assert_eq!(Plan::new(vec![]).validate(&limits), Err(PlanError::Empty));
        assert!(
            Plan::new(vec![Step::Move { metres: -1.0 }])
                .validate(&limits)
                .is_ok()
        );
    }
}
