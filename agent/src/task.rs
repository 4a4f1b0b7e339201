//! Task text from a person (CLI, `/agent/task`): checked before anything plans with it.

use thiserror::Error;

/// Longest task accepted, in characters.
pub const MAX_TASK_CHARS: usize = 1000;

/// Why a task was refused.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskError {
    /// Nothing but white space.
    #[error("the task is empty; say what to do, e.g. \"go to the kitchen\"")]
    Empty,
    /// Too long to be a spoken task.
    #[error(
        "the task is {0} characters long; at most {MAX_TASK_CHARS} are accepted, so shorten it"
    )]
    TooLong(usize),
    /// Control characters (other than tab and newline) in it.
    #[error("the task contains control character U+{0:04X}; send plain text")]
    ControlCharacter(u32),
}

/// The task, trimmed and with white space folded, or why it is refused.
pub fn validate_task(text: &str) -> Result<String, TaskError> {
    let n = text.chars().count();
    if n > MAX_TASK_CHARS {
        return Err(TaskError::TooLong(n));
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && *c != '\t' && *c != '\n' && *c != '\r')
    {
        return Err(TaskError::ControlCharacter(c as u32));
    }
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(TaskError::Empty);
    }
    Ok(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_tasks_are_refused_with_a_reason() {
        assert_eq!(validate_task("  \n\t "), Err(TaskError::Empty));
        assert_eq!(
            validate_task(&"a".repeat(100_000)),
            Err(TaskError::TooLong(100_000))
        );
        assert_eq!(
            validate_task("go\u{1b}[2J to kitchen"),
            Err(TaskError::ControlCharacter(0x1b))
        );
        assert_eq!(
            validate_task("go to\n the   kitchen "),
            Ok("go to the kitchen".into())
        );
    }
}
