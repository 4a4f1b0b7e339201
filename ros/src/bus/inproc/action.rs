//! Actions on the in-process bus: a server and its clients joined by channels, with the
//! DDS backend's semantics (see [`crate::bus::dds`]), so a node cannot tell the two apart.
//!
//! - Every goal that reaches a live server is accepted at once ([`ClientEvent::Accepted`])
//!   and handed to the node as [`ServerEvent::Goal`], keys counting from 1 per server.
//! - A client has one goal open: sending another cancels the open one first; canceling (or
//!   dropping the client) asks the server to cancel and stops the client hearing of that goal.
//! - A cancel request reaches the node only for a goal still running
//!   ([`ServerEvent::CancelRequested`]); the node ends it, and [`ServerReply::Finish`] is the
//!   last a client hears of a goal. Feedback and ends of goals nobody listens to are dropped.
//!
//! Two differences a node never sees as a different protocol: a goal sent with no server
//! fails at once instead of after DDS's answer timeout, and when a server is dropped its open
//! goals fail instead of waiting forever for a result.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use super::lock;
use crate::action::{
    Action, ActionClient, ActionServer, ClientCommand, ClientEvent, GoalKey, ServerEvent,
    ServerReply,
};
use crate::bus::{BusError, resolve_topic_name};

type ClientEvt<A> = ClientEvent<<A as Action>::Feedback, <A as Action>::Result>;

/// How often `wait_for_server` looks for a server (wall time; only at start-up).
const DISCOVERY_POLL: Duration = Duration::from_millis(10);

/// The actions served on one in-process graph, by resolved name.
#[derive(Clone, Default)]
pub(super) struct Actions {
    served: Arc<Mutex<HashMap<String, Served>>>,
}

/// One served action: its type, and the server while it lives.
struct Served {
    type_name: &'static str,
    link: Weak<dyn Any + Send + Sync>,
}

/// Where a goal's client hears of it.
struct Route<A: Action> {
    tag: u64,
    to: Sender<ClientEvt<A>>,
}

/// The server's end: events to the node, and the routes of goals still running.
struct ServerLink<A: Action> {
    name: String,
    events: Sender<ServerEvent<A::Goal>>,
    routes: Mutex<HashMap<GoalKey, Route<A>>>,
    next_key: AtomicU64,
}

impl<A: Action> ServerLink<A> {
    /// Accepts `goal` for the client at `to`; its key, or none if the node has stopped.
    fn submit(&self, tag: u64, goal: A::Goal, to: &Sender<ClientEvt<A>>) -> Option<GoalKey> {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed) + 1;
        lock(&self.routes).insert(
            key,
            Route {
                tag,
                to: to.clone(),
            },
        );
        let _ = to.send(ClientEvent::Accepted { tag });
        if self.events.send(ServerEvent::Goal { key, goal }).is_err() {
            lock(&self.routes).remove(&key);
            return None;
        }
        tracing::debug!(action = %self.name, key, "goal accepted");
        Some(key)
    }

    /// Asks the node to cancel `key` if it still runs; its client hears no more of it.
    fn cancel(&self, key: GoalKey) {
        if lock(&self.routes).remove(&key).is_some() {
            let _ = self.events.send(ServerEvent::CancelRequested { key });
        }
    }

    fn reply(&self, reply: ServerReply<A::Feedback, A::Result>) {
        match reply {
            ServerReply::Feedback { key, feedback } => {
                if let Some(r) = lock(&self.routes).get(&key) {
                    let _ = r.to.send(ClientEvent::Feedback {
                        tag: r.tag,
                        feedback,
                    });
                }
            }
            ServerReply::Finish { key, end, result } => {
                if let Some(r) = lock(&self.routes).remove(&key) {
                    let _ = r.to.send(ClientEvent::Finished {
                        tag: r.tag,
                        end,
                        result,
                    });
                }
            }
        }
    }
}

impl<A: Action> Drop for ServerLink<A> {
    /// A server gone: its running goals fail (no result will ever come).
    fn drop(&mut self) {
        for (_, r) in lock(&self.routes).drain() {
            let _ = r.to.send(ClientEvent::Failed {
                tag: r.tag,
                error: format!("the action server {} stopped", self.name),
            });
        }
    }
}

/// A client's one open goal.
struct Open<A: Action> {
    server: Weak<ServerLink<A>>,
    key: GoalKey,
    tag: u64,
}

/// A client's end; dropping it (with the client) cancels its open goal.
struct ClientLink<A: Action> {
    name: String,
    actions: Actions,
    events: Sender<ClientEvt<A>>,
    open: Mutex<Option<Open<A>>>,
}

impl<A: Action> ClientLink<A> {
    fn cancel_open(open: &mut Option<Open<A>>) {
        if let Some(o) = open.take()
            && let Some(server) = o.server.upgrade()
        {
            server.cancel(o.key);
        }
    }

    fn command(&self, command: ClientCommand<A::Goal>) {
        let mut open = lock(&self.open);
        match command {
            ClientCommand::Send { tag, goal } => {
                Self::cancel_open(&mut open);
                let server = match self.actions.server::<A>(&self.name) {
                    Ok(s) => s,
                    Err(error) => {
                        let _ = self.events.send(ClientEvent::Failed { tag, error });
                        return;
                    }
                };
                match server.submit(tag, goal, &self.events) {
                    Some(key) => {
                        *open = Some(Open {
                            server: Arc::downgrade(&server),
                            key,
                            tag,
                        })
                    }
                    None => {
                        let _ = self.events.send(ClientEvent::Failed {
                            tag,
                            error: format!("the action server {} stopped", self.name),
                        });
                    }
                }
            }
            ClientCommand::Cancel { tag } => {
                if open.as_ref().is_some_and(|o| o.tag == tag) {
                    Self::cancel_open(&mut open);
                }
            }
        }
    }
}

impl<A: Action> Drop for ClientLink<A> {
    fn drop(&mut self) {
        Self::cancel_open(&mut lock(&self.open));
    }
}

impl Actions {
    /// The live server of `name`, if it serves `A`; else why a goal cannot be sent.
    fn server<A: Action>(&self, name: &str) -> Result<Arc<ServerLink<A>>, String> {
        let served = lock(&self.served);
        let Some(s) = served.get(name) else {
            return Err(format!("no server of the action {name} is running"));
        };
        if s.type_name != A::TYPE_NAME {
            return Err(format!(
                "the action {name} is served as {}, not {}",
                s.type_name,
                A::TYPE_NAME
            ));
        }
        s.link
            .upgrade()
            .and_then(|l| l.downcast::<ServerLink<A>>().ok())
            .ok_or_else(|| format!("no server of the action {name} is running"))
    }

    /// Serves `A` as `name`; refused while another server of that name lives.
    pub(super) fn serve<A: Action>(&self, name: &str) -> Result<ActionServer<A>, BusError> {
        let name = resolve_topic_name(name)?;
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let link = Arc::new(ServerLink::<A> {
            name: name.clone(),
            events: events_tx,
            routes: Mutex::new(HashMap::new()),
            next_key: AtomicU64::new(0),
        });
        {
            let mut served = lock(&self.served);
            if served.get(&name).is_some_and(|s| s.link.strong_count() > 0) {
                return Err(BusError::Backend {
                    topic: name,
                    message:
                        "this action is already served in this process; drop the other server first"
                            .into(),
                });
            }
            let any: Arc<dyn Any + Send + Sync> = link.clone();
            served.insert(
                name.clone(),
                Served {
                    type_name: A::TYPE_NAME,
                    link: Arc::downgrade(&any),
                },
            );
        }
        Ok(ActionServer::new(name, events_rx, move |r| {
            link.reply(r);
            true
        }))
    }

    /// A client of `name` (served now or later).
    pub(super) fn client<A: Action>(&self, name: &str) -> Result<ActionClient<A>, BusError> {
        let name = resolve_topic_name(name)?;
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let link = Arc::new(ClientLink::<A> {
            name: name.clone(),
            actions: self.clone(),
            events: events_tx,
            open: Mutex::new(None),
        });
        let actions = self.clone();
        let looked_for = name.clone();
        Ok(ActionClient::new(
            name,
            events_rx,
            move |c| {
                link.command(c);
                true
            },
            move |limit| {
                let until = Instant::now() + limit;
                loop {
                    if actions.server::<A>(&looked_for).is_ok() {
                        return true;
                    }
                    if Instant::now() >= until {
                        return false;
                    }
                    std::thread::sleep(DISCOVERY_POLL);
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use crate::action::{
        ActionClient, ClientCommand, ClientEvent, GoalEnd, ServerEvent, ServerReply,
    };
    use crate::bus::{Bus, InProcBus};
    use crate::msg::nav2_msgs::{
        NavigateToPose, NavigateToPoseFeedback, NavigateToPoseGoal, NavigateToPoseResult,
    };
    use std::time::Duration;

    fn goal(x: f64) -> NavigateToPoseGoal {
        let mut g = NavigateToPoseGoal::default();
        g.pose.pose.position.x = x;
        g
    }

    /// Sends a goal to reach x as `tag`.
    fn send(client: &ActionClient<NavigateToPose>, tag: u64, x: f64) {
        assert!(client.command(ClientCommand::Send { tag, goal: goal(x) }));
    }

    fn feedback(d: f32) -> NavigateToPoseFeedback {
        NavigateToPoseFeedback {
            distance_remaining: d,
            ..Default::default()
        }
    }

    #[test]
    fn a_goal_is_accepted_gets_feedback_and_ends_with_its_status_and_result() {
        let bus = InProcBus::new();
        let server = bus
            .action_server::<NavigateToPose>("navigate_to_pose")
            .unwrap();
        let client = bus
            .action_client::<NavigateToPose>("/navigate_to_pose")
            .unwrap();
        assert_eq!(server.name(), "/navigate_to_pose");
        assert!(client.wait_for_server(Duration::ZERO));
        assert!(client.command(ClientCommand::Send {
            tag: 7,
            goal: goal(2.0)
        }));
        let Ok(ServerEvent::Goal { key, goal: g }) = server.events().try_recv() else {
            panic!("the server got no goal");
        };
        assert_eq!((key, g.pose.pose.position.x), (1, 2.0));
        server.reply(ServerReply::Feedback {
            key,
            feedback: feedback(1.5),
        });
        let result = NavigateToPoseResult {
            error_code: 0,
            error_msg: String::new(),
        };
        server.reply(ServerReply::Finish {
            key,
            end: GoalEnd::Succeeded,
            result: result.clone(),
        });
        // Once finished, the key means nothing: later replies reach nobody.
        server.reply(ServerReply::Feedback {
            key,
            feedback: feedback(0.0),
        });
        let events: Vec<_> = client.events().try_iter().collect();
        assert_eq!(
            events,
            vec![
                ClientEvent::Accepted { tag: 7 },
                ClientEvent::Feedback {
                    tag: 7,
                    feedback: feedback(1.5)
                },
                ClientEvent::Finished {
                    tag: 7,
                    end: GoalEnd::Succeeded,
                    result
                },
            ]
        );
    }

    #[test]
    fn an_abort_carries_the_servers_error_code() {
        let bus = InProcBus::new();
        let server = bus.action_server::<NavigateToPose>("/nav").unwrap();
        let client = bus.action_client::<NavigateToPose>("/nav").unwrap();
        send(&client, 1, 1.0);
        let Ok(ServerEvent::Goal { key, .. }) = server.events().try_recv() else {
            panic!("no goal");
        };
        let no_path = NavigateToPoseResult {
            error_code: 208,
            error_msg: "no valid path".into(),
        };
        server.reply(ServerReply::Finish {
            key,
            end: GoalEnd::Aborted,
            result: no_path.clone(),
        });
        assert_eq!(
            client.events().try_iter().last(),
            Some(ClientEvent::Finished {
                tag: 1,
                end: GoalEnd::Aborted,
                result: no_path
            })
        );
    }

    #[test]
    fn cancel_reaches_the_server_for_a_running_goal_only_and_silences_the_goal() {
        let bus = InProcBus::new();
        let server = bus.action_server::<NavigateToPose>("/nav").unwrap();
        let client = bus.action_client::<NavigateToPose>("/nav").unwrap();
        send(&client, 1, 1.0);
        client.command(ClientCommand::Cancel { tag: 99 }); // not this client's goal
        client.command(ClientCommand::Cancel { tag: 1 });
        client.command(ClientCommand::Cancel { tag: 1 }); // twice: asked once
        let events: Vec<_> = server.events().try_iter().collect();
        assert!(matches!(events[0], ServerEvent::Goal { key: 1, .. }));
        assert_eq!(events[1..], [ServerEvent::CancelRequested { key: 1 }]);
        server.reply(ServerReply::Finish {
            key: 1,
            end: GoalEnd::Canceled,
            result: NavigateToPoseResult::default(),
        });
        // The client canceled: it hears nothing after its acceptance, as over DDS.
        assert_eq!(
            client.events().try_iter().collect::<Vec<_>>(),
            vec![ClientEvent::Accepted { tag: 1 }]
        );
        // A finished goal cannot be canceled.
        send(&client, 2, 2.0);
        server.reply(ServerReply::Finish {
            key: 2,
            end: GoalEnd::Succeeded,
            result: NavigateToPoseResult::default(),
        });
        client.command(ClientCommand::Cancel { tag: 2 });
        assert!(matches!(
            server.events().try_iter().collect::<Vec<_>>()[..],
            [ServerEvent::Goal { key: 2, .. }]
        ));
    }

    #[test]
    fn a_new_goal_replaces_the_open_one_and_dropping_the_client_cancels() {
        let bus = InProcBus::new();
        let server = bus.action_server::<NavigateToPose>("/nav").unwrap();
        let client = bus.action_client::<NavigateToPose>("/nav").unwrap();
        send(&client, 1, 1.0);
        send(&client, 2, 2.0);
        server.reply(ServerReply::Feedback {
            key: 1,
            feedback: feedback(9.0),
        });
        let events: Vec<_> = server.events().try_iter().collect();
        assert!(matches!(events[0], ServerEvent::Goal { key: 1, .. }));
        assert_eq!(events[1], ServerEvent::CancelRequested { key: 1 });
        assert!(matches!(events[2], ServerEvent::Goal { key: 2, .. }));
        assert_eq!(
            client.events().try_iter().collect::<Vec<_>>(),
            vec![
                ClientEvent::Accepted { tag: 1 },
                ClientEvent::Accepted { tag: 2 }
            ]
        );
        drop(client);
        assert_eq!(
            server.events().try_iter().collect::<Vec<_>>(),
            vec![ServerEvent::CancelRequested { key: 2 }]
        );
    }

    #[test]
    fn without_a_live_server_a_goal_fails_and_the_name_can_be_served_again() {
        let bus = InProcBus::new();
        let client = bus.action_client::<NavigateToPose>("/nav").unwrap();
        assert!(!client.wait_for_server(Duration::from_millis(20)));
        send(&client, 1, 1.0);
        assert!(matches!(
            client.events().try_recv(),
            Ok(ClientEvent::Failed { tag: 1, .. })
        ));
        let server = bus.action_server::<NavigateToPose>("/nav").unwrap();
        assert!(
            bus.action_server::<NavigateToPose>("/nav").is_err(),
            "one server per name"
        );
        send(&client, 2, 1.0);
        drop(server);
        let events: Vec<_> = client.events().try_iter().collect();
        assert_eq!(events[0], ClientEvent::Accepted { tag: 2 });
        assert!(
            matches!(&events[1], ClientEvent::Failed { tag: 2, error } if error.contains("stopped")),
            "{events:?}"
        );
        assert!(bus.action_server::<NavigateToPose>("/nav").is_ok());
    }

    #[test]
    fn a_server_of_another_type_is_not_this_actions_server() {
        use crate::msg::embodia_interfaces::ExecuteTask;
        let bus = InProcBus::new();
        let _server = bus.action_server::<ExecuteTask>("/x").unwrap();
        let client = bus.action_client::<NavigateToPose>("/x").unwrap();
        assert!(!client.wait_for_server(Duration::ZERO));
        send(&client, 1, 1.0);
        assert!(matches!(
            client.events().try_recv(),
            Ok(ClientEvent::Failed { error, .. }) if error.contains("ExecuteTask")
        ));
    }
}
