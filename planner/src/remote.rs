//! The remote planner: the on-device LLM planner's prompt (same grounding, same worked
//! examples, same plan language) sent to an inference server that speaks the OpenAI-compatible
//! HTTP API (llama.cpp's server, llama-cpp-python's, vLLM, Ollama), with the plan grammar as
//! the server's constraint (GBNF in the `grammar` field, which llama.cpp takes) when asked to.
//!
//! A server is untrusted like any other text: its reply is parsed and checked exactly as the
//! on-device model's text is (vocabulary, limits), whether or not the server honoured the
//! grammar. Every request has a deadline; on a timeout, a refused connection, an HTTP error, or
//! a reply that is not a valid plan, the on-device planner plans instead, and the explanation
//! ([`Planner::plan_explained`]) says so and why. The API key comes from an environment variable
//! and is only ever written into the `Authorization` header: never logged, printed or recorded.
//!
//! The client is blocking (`ureq`): planners run on a worker thread under the agent's planning
//! deadline, never on the control loop.

use std::sync::Arc;
use std::time::{Duration, Instant};

use embodia_actuation::{Plan, PlanLimits};
use serde_json::{Value, json};

use crate::llm::{LlmPlanner, Vocabulary, check_vocabulary, gbnf, parse};
use crate::{PlanRequest, Planner, PlannerError};

/// The environment variable the API key is read from by default.
pub const API_KEY_ENV: &str = "EMBODIA_PLANNER_API_KEY";
/// Longest plan text asked for, tokens (as on the device).
const MAX_TOKENS: usize = 64;
/// Largest reply read, bytes: a plan is a line; anything longer is not one.
const MAX_REPLY_BYTES: u64 = 256 * 1024;
/// Longest piece of a server's error body quoted in a report.
const ERROR_SNIPPET_CHARS: usize = 200;

/// Where the remote planner sends requests and how long it waits: the `planner_*` parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteSettings {
    /// The server: its base URL (`http://host:8080` or `.../v1`, then the chat endpoint is
    /// used) or a full endpoint URL ending in `/chat/completions` or `/completions`. Empty:
    /// no remote planner.
    pub url: String,
    /// The model name sent to the server (empty: none sent; llama.cpp serves its one model).
    pub model: String,
    /// Seconds a request may take, connection included, before the on-device planner plans.
    pub timeout_s: f64,
    /// Send the plan grammar (GBNF) as the server's constraint.
    pub grammar: bool,
}

impl Default for RemoteSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            model: String::new(),
            timeout_s: 4.0,
            grammar: true,
        }
    }
}

/// The API key, kept out of every `Debug` and `Display`.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key from environment variable `var`, if set and not empty.
    pub fn from_env(var: &str) -> Option<Self> {
        std::env::var(var)
            .ok()
            .filter(|k| !k.trim().is_empty())
            .map(|k| Self(k.trim().to_owned()))
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Which OpenAI-compatible endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/v1/chat/completions`: the conversation; the server lays it out in its model's
    /// template.
    Chat,
    /// `/v1/completions`: the conversation laid out in the on-device model's template (only
    /// right when the server runs a model of the same family).
    Completions,
}

/// Why the remote planner could not be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The URL is unusable.
    #[error(
        "planner URL {url:?}: {problem}. Fix: give the server's address, e.g. http://HOST:PORT (a server on this machine: HOST 127.0.0.1) or http://HOST:PORT/v1/chat/completions"
    )]
    BadUrl {
        /// The URL as given.
        url: String,
        /// Why.
        problem: String,
    },
    /// An API key would cross the network in clear text.
    #[error(
        "planner URL {url:?} is plain http to another machine, and an API key is set: it would cross the network readable. Fix: use https, or unset the key"
    )]
    KeyInClear {
        /// The URL as given.
        url: String,
    },
    /// A timeout that is not a positive number of seconds.
    #[error("planner_timeout_s must be a positive number of seconds, got {0}")]
    BadTimeout(f64),
}

/// Why a remote plan was not taken (the on-device planner planned instead).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteFailure {
    /// No reply within the deadline.
    #[error("the server did not answer within {0:.1} s")]
    Timeout(f64),
    /// No connection, or it broke.
    #[error("the connection to the server failed: {0}")]
    Connection(String),
    /// The server answered with an error status.
    #[error("the server answered HTTP {status}: {body}")]
    Http {
        /// The status.
        status: u16,
        /// The start of its body.
        body: String,
    },
    /// The reply is not an OpenAI-compatible completion.
    #[error("the server's reply is not a completion: {0}")]
    Reply(String),
    /// The completion is not a valid plan.
    #[error("the server's plan {text:?} was rejected: {reason}")]
    Invalid {
        /// What the server wrote.
        text: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The deliberative layer stopped waiting before the request was sent.
    #[error("planning was cancelled")]
    Cancelled,
}

/// What the server wrote and how long it took.
#[derive(Debug, Clone)]
pub struct RemoteAttempt {
    /// The plan, or why it was not taken.
    pub plan: Result<Plan, RemoteFailure>,
    /// The completion text, when there was one.
    pub text: Option<String>,
    /// Seconds from sending the request to having the plan checked.
    pub seconds: f64,
}

/// Plans on an inference server; the on-device planner plans when the server does not.
pub struct RemotePlanner {
    endpoint_url: String,
    endpoint: Endpoint,
    settings: RemoteSettings,
    key: Option<ApiKey>,
    http: ureq::Agent,
    prompter: LlmPlanner,
    fallback: Arc<dyn Planner>,
    limits: PlanLimits,
}

impl std::fmt::Debug for RemotePlanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemotePlanner")
            .field("endpoint", &self.endpoint_url)
            .field("model", &self.settings.model)
            .field("key", &self.key)
            .finish()
    }
}

impl RemotePlanner {
    /// A remote planner sending `prompter`'s prompts (the on-device model's examples and
    /// template) to the server `settings` name, with `fallback` planning when it does not.
    pub fn new(
        settings: RemoteSettings,
        key: Option<ApiKey>,
        prompter: LlmPlanner,
        fallback: Arc<dyn Planner>,
        limits: PlanLimits,
    ) -> Result<Self, RemoteError> {
        if !(settings.timeout_s.is_finite() && settings.timeout_s > 0.0) {
            return Err(RemoteError::BadTimeout(settings.timeout_s));
        }
        let (endpoint_url, endpoint, loopback) = endpoint(&settings.url)?;
        if key.is_some() && !loopback && endpoint_url.starts_with("http://") {
            return Err(RemoteError::KeyInClear { url: settings.url });
        }
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs_f64(settings.timeout_s)))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("embodia/", env!("CARGO_PKG_VERSION")));
        if loopback {
            // A proxy from the environment must not carry loopback traffic off the machine.
            config = config.proxy(None);
        }
        Ok(Self {
            endpoint_url,
            endpoint,
            settings,
            key,
            http: config.build().into(),
            prompter,
            fallback,
            limits,
        })
    }

    /// The endpoint requests go to (no key in it).
    pub fn endpoint_url(&self) -> &str {
        &self.endpoint_url
    }

    /// Asks the server for a plan and checks it; no fallback.
    pub fn attempt(&self, request: &PlanRequest) -> RemoteAttempt {
        let _span = tracing::info_span!("remote_plan", endpoint = %self.endpoint_url).entered();
        let started = Instant::now();
        let (plan, text) = match self.ask(request) {
            Ok(text) => (self.check(&text, request), Some(text)),
            Err(e) => (Err(e), None),
        };
        RemoteAttempt {
            plan,
            text,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    /// The request body for `request`.
    pub fn body(&self, request: &PlanRequest) -> Result<Value, PlannerError> {
        let mut body = match self.endpoint {
            Endpoint::Chat => json!({ "messages": self.prompter.conversation(request)? }),
            Endpoint::Completions => json!({ "prompt": self.prompter.prompt_text(request)? }),
        };
        // Greedy, as the on-device planner decodes without --temperature.
        body["temperature"] = json!(0.0);
        body["max_tokens"] = json!(MAX_TOKENS);
        body["stream"] = json!(false);
        if !self.settings.model.is_empty() {
            body["model"] = json!(self.settings.model);
        }
        if self.settings.grammar {
            let vocab = Vocabulary::of(&request.task, &request.world);
            body["grammar"] = json!(
                gbnf(&vocab, &self.limits).map_err(|e| PlannerError::Internal(e.to_string()))?
            );
        }
        Ok(body)
    }

    fn ask(&self, request: &PlanRequest) -> Result<String, RemoteFailure> {
        if request.cancel.is_cancelled() {
            return Err(RemoteFailure::Cancelled);
        }
        let body = self
            .body(request)
            .map_err(|e| RemoteFailure::Reply(format!("the request could not be made: {e}")))?;
        let mut call = self
            .http
            .post(&self.endpoint_url)
            .header("Content-Type", "application/json");
        if let Some(key) = &self.key {
            call = call.header("Authorization", format!("Bearer {}", key.0));
        }
        let mut response = call.send(body.to_string()).map_err(|e| self.transport(e))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_REPLY_BYTES)
            .read_to_string()
            .map_err(|e| self.transport(e))?;
        if !(200..300).contains(&status) {
            return Err(RemoteFailure::Http {
                status,
                body: self.redact(&text.chars().take(ERROR_SNIPPET_CHARS).collect::<String>()),
            });
        }
        let reply: Value = serde_json::from_str(&text)
            .map_err(|e| RemoteFailure::Reply(format!("not JSON ({e})")))?;
        let choice = &reply["choices"][0];
        let content = match self.endpoint {
            Endpoint::Chat => &choice["message"]["content"],
            Endpoint::Completions => &choice["text"],
        };
        content
            .as_str()
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| RemoteFailure::Reply("no choices[0] text in it".into()))
    }

    /// The same checks as the on-device model's text: the plan language, the vocabulary of
    /// the request (a server may ignore the grammar), the limits.
    fn check(&self, text: &str, request: &PlanRequest) -> Result<Plan, RemoteFailure> {
        let invalid = |reason: String| RemoteFailure::Invalid {
            text: text.chars().take(ERROR_SNIPPET_CHARS).collect(),
            reason,
        };
        let steps = parse(text, &request.world).map_err(|e| invalid(e.to_string()))?;
        let plan = Plan::new(steps);
        check_vocabulary(&plan, &Vocabulary::of(&request.task, &request.world))
            .map_err(|e| invalid(e.to_string()))?;
        plan.validate(&self.limits)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(plan)
    }

    fn transport(&self, e: ureq::Error) -> RemoteFailure {
        match e {
            ureq::Error::Timeout(_) => RemoteFailure::Timeout(self.settings.timeout_s),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                RemoteFailure::Timeout(self.settings.timeout_s)
            }
            other => RemoteFailure::Connection(self.redact(&other.to_string())),
        }
    }

    /// `text` with the key, should a server echo it, blanked.
    fn redact(&self, text: &str) -> String {
        match &self.key {
            Some(k) if !k.0.is_empty() => text.replace(&k.0, "***"),
            _ => text.to_owned(),
        }
    }
}

impl Planner for RemotePlanner {
    fn name(&self) -> &str {
        "remote"
    }

    fn plan(&self, request: &PlanRequest) -> Result<Plan, PlannerError> {
        self.plan_explained(request).0
    }

    fn plan_explained(&self, request: &PlanRequest) -> (Result<Plan, PlannerError>, Value) {
        let attempt = self.attempt(request);
        match attempt.plan {
            Ok(plan) => (
                Ok(plan),
                json!({
                    "by": "remote",
                    "remote_s": attempt.seconds,
                    "remote_text": attempt.text,
                    "endpoint": self.endpoint_url,
                }),
            ),
            Err(failure) => {
                tracing::warn!(reason = %failure, "the remote planner failed; the on-device planner plans");
                let (plan, how) = self.fallback.plan_explained(request);
                let mut how = match how {
                    Value::Object(m) => Value::Object(m),
                    _ => json!({}),
                };
                if how.get("by").and_then(Value::as_str).is_none() {
                    how["by"] = json!(self.fallback.name());
                }
                how["fallback"] = json!({
                    "from": "remote",
                    "reason": failure.to_string(),
                    "remote_s": attempt.seconds,
                    "remote_text": attempt.text,
                });
                (plan, how)
            }
        }
    }
}

/// The endpoint URL for `url`, which endpoint it is, and whether it is on this machine.
fn endpoint(url: &str) -> Result<(String, Endpoint, bool), RemoteError> {
    let bad = |problem: &str| RemoteError::BadUrl {
        url: url.to_owned(),
        problem: problem.to_owned(),
    };
    let uri: ureq::http::Uri = url.trim().parse().map_err(|_| bad("not a URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(bad("it must start with http:// or https://")),
    }
    let host = uri.host().ok_or_else(|| bad("no host"))?;
    if uri.query().is_some() {
        return Err(bad("a query string is not expected"));
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let base = url.trim().trim_end_matches('/');
    let (full, kind) = if base.ends_with("/chat/completions") {
        (base.to_owned(), Endpoint::Chat)
    } else if base.ends_with("/completions") {
        (base.to_owned(), Endpoint::Completions)
    } else if base.ends_with("/v1") {
        (format!("{base}/chat/completions"), Endpoint::Chat)
    } else {
        (format!("{base}/v1/chat/completions"), Endpoint::Chat)
    };
    Ok((full, kind, loopback))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_means_the_chat_endpoint_and_a_full_one_is_kept() {
        let e = |u: &str| endpoint(u).unwrap();
        // Loopback, written as an address (this repository names no host in a URL).
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 8080));
        assert_eq!(
            e(&format!("http://{loopback}")),
            (
                format!("http://{loopback}/v1/chat/completions"),
                Endpoint::Chat,
                true
            )
        );
        assert_eq!(
            e("http://localhost:8080/v1/").0,
            "http://localhost:8080/v1/chat/completions"
        );
        assert_eq!(
            e("https://gpu.example.invalid/v1/completions"),
            (
                "https://gpu.example.invalid/v1/completions".into(),
                Endpoint::Completions,
                false
            )
        );
        assert!(e("http://[::1]:9000").2);
    }

    #[test]
    fn unusable_urls_are_refused_with_the_fix() {
        let loopback = std::net::Ipv4Addr::LOCALHOST;
        for bad in [
            String::new(),
            format!("{loopback}:8080"),
            format!("ftp://{loopback}/"),
            "http://h/v1?x=1".to_owned(),
        ] {
            let bad = bad.as_str();
            let err = endpoint(bad).unwrap_err().to_string();
            assert!(err.contains("Fix:"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let k = ApiKey::new("sk-secret-123");
        assert_eq!(format!("{k:?}"), "ApiKey(***)");
        assert!(!format!("{:?}", Some(k)).contains("secret"));
    }
}
