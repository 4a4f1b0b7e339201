//! ROS 2 actions, backend-neutral: what a node serving an action sees of it.
//!
//! A backend ([`crate::bus::Bus::action_server`]) speaks the action protocol on the wire (the
//! send_goal / cancel_goal / get_result services, the feedback and status topics) and hands
//! the node only what it decides on: goals arriving and cancel requests. The node answers with
//! feedback and, once per goal, how it ended. Goals are accepted on arrival and cancel
//! requests for a running goal are accepted at once (the goal shows CANCELING); the node then
//! stops what it does and finishes the goal as [`GoalEnd::Canceled`] — so a client always
//! learns the end from the result, as ROS 2 clients expect.

use crossbeam_channel::Receiver;

use crate::bus::BusError;
use crate::message::Message;

/// A ROS 2 action type: its three messages and its name (`pkg/action/Type`).
pub trait Action: Send + 'static {
    /// What a client asks for.
    type Goal: Message + Sync;
    /// What a client is told at the end.
    type Result: Message + Sync;
    /// What a client is told while the goal runs.
    type Feedback: Message + Sync;
    /// Fully qualified ROS 2 type name, e.g. `nav2_msgs/action/NavigateToPose`.
    const TYPE_NAME: &'static str;

    /// The package part of [`Self::TYPE_NAME`].
    fn package() -> &'static str {
        Self::TYPE_NAME.split('/').next().unwrap_or_default()
    }

    /// The bare type part of [`Self::TYPE_NAME`].
    fn type_short_name() -> &'static str {
        Self::TYPE_NAME.rsplit('/').next().unwrap_or_default()
    }
}

/// Names one goal for as long as the server runs (assigned by the backend, in arrival order).
pub type GoalKey = u64;

/// How a goal ended, as its result reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalEnd {
    /// It did what was asked.
    Succeeded,
    /// The server gave up on it (failed, refused, replaced).
    Aborted,
    /// Its client canceled it and the server stopped.
    Canceled,
}

/// What a client did, as the node serving the action sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerEvent<G> {
    /// A new goal, already accepted and executing.
    Goal {
        /// The goal's key.
        key: GoalKey,
        /// What is asked.
        goal: G,
    },
    /// The client asked to cancel this goal; the server answered "canceling".
    CancelRequested {
        /// The goal's key.
        key: GoalKey,
    },
}

/// What the node tells clients of a goal.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerReply<F, R> {
    /// Progress of a running goal.
    Feedback {
        /// The goal's key.
        key: GoalKey,
        /// The progress.
        feedback: F,
    },
    /// The goal's end; sent once, after which the key means nothing.
    Finish {
        /// The goal's key.
        key: GoalKey,
        /// How it ended.
        end: GoalEnd,
        /// Its result.
        result: R,
    },
}

/// A reply as a served action's node sends it.
pub type Reply<A> = ServerReply<<A as Action>::Feedback, <A as Action>::Result>;
type ReplyFn<A> = Box<dyn Fn(Reply<A>) -> bool + Send + Sync>;

/// A served action: events from clients in, replies out. Dropping it stops the server.
pub struct ActionServer<A: Action> {
    name: String,
    events: Receiver<ServerEvent<A::Goal>>,
    replies: ReplyFn<A>,
}

impl<A: Action> ActionServer<A> {
    /// Wraps a backend's two ends: the events it delivers, and where replies go (false once
    /// the backend has stopped).
    pub fn new(
        name: String,
        events: Receiver<ServerEvent<A::Goal>>,
        replies: impl Fn(ServerReply<A::Feedback, A::Result>) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            events,
            replies: Box::new(replies),
        }
    }

    /// The resolved action name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Client events, oldest first (for `select!` and polling).
    pub fn events(&self) -> &Receiver<ServerEvent<A::Goal>> {
        &self.events
    }

    /// Sends a reply; false if the backend has stopped.
    pub fn reply(&self, reply: ServerReply<A::Feedback, A::Result>) -> bool {
        (self.replies)(reply)
    }
}

/// The error of a backend that has no actions.
pub(crate) fn unsupported(action: &str) -> BusError {
    BusError::Unsupported {
        what: format!("the action {action}"),
        fix: "run the node with --transport dds (the built-in DDS transport serves actions)",
    }
}

/// What a client hears of the goal it sent as `tag`.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent<F, R> {
    /// The server took the goal.
    Accepted {
        /// The goal's tag.
        tag: u64,
    },
    /// The server refused the goal.
    Rejected {
        /// The goal's tag.
        tag: u64,
    },
    /// Progress.
    Feedback {
        /// The goal's tag.
        tag: u64,
        /// The progress.
        feedback: F,
    },
    /// The goal ended.
    Finished {
        /// The goal's tag.
        tag: u64,
        /// How.
        end: GoalEnd,
        /// Its result.
        result: R,
    },
    /// No answer, or the request could not be sent.
    Failed {
        /// The goal's tag.
        tag: u64,
        /// What went wrong.
        error: String,
    },
}

/// What a client asks of its backend.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientCommand<G> {
    /// Send `goal`, known as `tag` in events. A goal still open is canceled first: one goal at
    /// a time.
    Send {
        /// The caller's name for the goal.
        tag: u64,
        /// The goal.
        goal: G,
    },
    /// Cancel the goal sent as `tag`, if it is still open.
    Cancel {
        /// The goal's tag.
        tag: u64,
    },
}

/// A client of an action: commands out, events in. Dropping it cancels its open goal.
pub struct ActionClient<A: Action> {
    name: String,
    events: Receiver<ClientEvent<A::Feedback, A::Result>>,
    commands: Box<dyn Fn(ClientCommand<A::Goal>) -> bool + Send + Sync>,
    server_seen: Box<dyn Fn(std::time::Duration) -> bool + Send + Sync>,
}

impl<A: Action> ActionClient<A> {
    /// Wraps a backend's ends: its events, where commands go (false once it stopped), and
    /// how to wait for a server to be discovered.
    pub fn new(
        name: String,
        events: Receiver<ClientEvent<A::Feedback, A::Result>>,
        commands: impl Fn(ClientCommand<A::Goal>) -> bool + Send + Sync + 'static,
        server_seen: impl Fn(std::time::Duration) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            events,
            commands: Box::new(commands),
            server_seen: Box::new(server_seen),
        }
    }

    /// The resolved action name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Events of the goals sent, oldest first.
    pub fn events(&self) -> &Receiver<ClientEvent<A::Feedback, A::Result>> {
        &self.events
    }

    /// Sends a command; false if the backend has stopped.
    pub fn command(&self, command: ClientCommand<A::Goal>) -> bool {
        (self.commands)(command)
    }

    /// Waits up to `limit` (wall time) for a server of the action to be discovered.
    pub fn wait_for_server(&self, limit: std::time::Duration) -> bool {
        (self.server_seen)(limit)
    }
}
