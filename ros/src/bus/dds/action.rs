//! Actions on DDS: ros2-client's action server, run on a thread of its own.
//!
//! ros2-client keeps the goal state machine and speaks the protocol (the three services, the
//! feedback and status topics); this module only turns its async calls into the
//! backend-neutral [`ActionServer`] handle. Every goal is accepted and set executing on
//! arrival; a cancel request for a goal of ours is accepted (the goal shows CANCELING) and
//! passed on, and the node finishes the goal once it has stopped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use ros2_client::action::{
    ActionClientQosPolicies, ActionServerQosPolicies, AsyncActionServer, ExecutingGoalHandle,
    GoalEndStatus,
};
use ros2_client::qos::{Durability, History, QosProfile as RQos, Reliability, WhenFull};
use ros2_client::{ActionTypeName, Name, Node};
use serde::{Deserialize, Serialize};

use crate::action::{
    Action, ActionClient, ActionServer, ClientCommand, ClientEvent, GoalEnd, GoalKey, Reply,
    ServerEvent, ServerReply,
};
use crate::bus::{BusError, resolve_topic_name};
use crate::message::Message;

/// How long a finished goal's result waits for its client to ask for it.
const RESULT_WAIT: Duration = Duration::from_secs(10);

/// One of our messages as ros2-client wants it (its own `Message` marker trait).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub(super) struct Wire<T>(pub T);

impl<T: Message> ros2_client::Message for Wire<T> {}

/// The QoS ROS 2 gives actions: services and feedback reliable and volatile (depth 10), the
/// status topic reliable and transient-local (depth 1), so a late client sees the statuses.
pub(super) fn action_qos() -> (RQos, RQos) {
    let reliable = RQos::publisher_default()
        .reliability(Reliability::Reliable {
            when_full: WhenFull::DEFAULT,
        })
        .durability(Durability::Volatile)
        .history(History::KeepLast { depth: 10 });
    let status = reliable
        .clone()
        .durability(Durability::TransientLocal)
        .history(History::KeepLast { depth: 1 });
    (reliable, status)
}

/// The ROS 2 name of an action (`/agent/execute_task`), checked and split.
pub(super) fn action_name(name: &str) -> Result<(String, Name), BusError> {
    let resolved = resolve_topic_name(name)?;
    let (ns, base) = resolved.rsplit_once('/').unwrap_or(("", &resolved));
    let ros_name =
        Name::new(if ns.is_empty() { "/" } else { ns }, base).map_err(|e| BusError::Backend {
            topic: resolved.clone(),
            message: format!("{e:?}"),
        })?;
    Ok((resolved, ros_name))
}

type Server<A> = AsyncActionServer<
    Wire<<A as Action>::Goal>,
    Wire<<A as Action>::Result>,
    Wire<<A as Action>::Feedback>,
>;

/// Creates the server on `node` and starts its thread.
pub(super) fn serve<A: Action>(
    node: &mut Node,
    name: &str,
    mapping: ros2_client::ServiceMapping,
) -> Result<ActionServer<A>, BusError> {
    let (resolved, ros_name) = action_name(name)?;
    let (reliable, status) = action_qos();
    let server = node
        .create_action_server::<Wire<A::Goal>, Wire<A::Result>, Wire<A::Feedback>>(
            mapping,
            &ros_name,
            &ActionTypeName::new(A::package(), A::type_short_name()),
            ActionServerQosPolicies {
                goal_service: reliable.clone(),
                result_service: reliable.clone(),
                cancel_service: reliable.clone(),
                feedback_publisher: reliable,
                status_publisher: status,
            },
        )
        .map_err(|e| BusError::Backend {
            topic: resolved.clone(),
            message: format!("{e:?}"),
        })?;
    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let (replies_tx, replies_rx) = mpsc::unbounded::<Reply<A>>();
    let shown = resolved.clone();
    std::thread::Builder::new()
        .name(format!(
            "embodia-action-{}",
            resolved.trim_start_matches('/')
        ))
        .spawn(move || {
            futures::executor::block_on(run::<A>(
                AsyncActionServer::new(server),
                &shown,
                events_tx,
                replies_rx,
            ))
        })
        .map_err(|e| BusError::Backend {
            topic: resolved.clone(),
            message: e.to_string(),
        })?;
    Ok(ActionServer::new(resolved, events_rx, move |r| {
        replies_tx.unbounded_send(r).is_ok()
    }))
}

/// A future that resolves after `after` (a sleeping thread: the executor here has no timer).
fn deadline(after: Duration) -> oneshot::Receiver<()> {
    let (tx, rx) = oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("embodia-action-deadline".into())
        .spawn(move || {
            std::thread::sleep(after);
            let _ = tx.send(());
        });
    if spawned.is_err() {
        tracing::warn!("could not start a result deadline; the result waits for its client");
    }
    rx
}

async fn run<A: Action>(
    server: Server<A>,
    name: &str,
    events: crossbeam_channel::Sender<ServerEvent<A::Goal>>,
    mut replies: mpsc::UnboundedReceiver<Reply<A>>,
) {
    let server = &server;
    let mut goals: HashMap<GoalKey, ExecutingGoalHandle<Wire<A::Goal>>> = HashMap::new();
    let mut next: GoalKey = 0;
    let mut results = FuturesUnordered::new();
    loop {
        futures::select! {
            new = server.receive_new_goal().fuse() => {
                let handle = match new {
                    Ok(h) => h,
                    Err(e) => {
                        tracing::warn!(action = name, error = ?e, "a goal request did not decode");
                        continue;
                    }
                };
                let Some(Wire(goal)) = server.get_new_goal(handle.clone()) else { continue };
                let executing = match server.accept_goal(handle).await {
                    Ok(accepted) => server.start_executing_goal(accepted).await,
                    Err(e) => Err(e),
                };
                match executing {
                    Ok(h) => {
                        next += 1;
                        tracing::debug!(action = name, key = next, goal_id = ?h.goal_id(), "goal accepted");
                        goals.insert(next, h);
                        if events.send(ServerEvent::Goal { key: next, goal }).is_err() {
                            break;
                        }
                    }
                    Err(e) => tracing::warn!(action = name, error = ?e, "could not accept a goal"),
                }
            }
            cancel = server.receive_cancel_request().fuse() => {
                let handle = match cancel {
                    Ok(h) => h,
                    Err(e) => {
                        tracing::warn!(action = name, error = ?e, "a cancel request did not decode");
                        continue;
                    }
                };
                let ours: Vec<(GoalKey, ros2_client::action::GoalId)> = goals
                    .iter()
                    .filter(|(_, h)| handle.contains_goal(&h.goal_id()))
                    .map(|(k, h)| (*k, h.goal_id()))
                    .collect();
                if let Err(e) = server
                    .respond_to_cancel_requests(&handle, ours.iter().map(|(_, g)| *g))
                    .await
                {
                    tracing::warn!(action = name, error = ?e, "could not answer a cancel request");
                }
                for (key, _) in ours {
                    if events.send(ServerEvent::CancelRequested { key }).is_err() {
                        return;
                    }
                }
            }
            reply = replies.next() => match reply {
                None => break,
                Some(ServerReply::Feedback { key, feedback }) => {
                    if let Some(h) = goals.get(&key)
                        && server.publish_feedback(h.clone(), Wire(feedback)).await.is_err()
                    {
                        tracing::debug!(action = name, key, "feedback not sent (the goal is no longer executing)");
                    }
                }
                Some(ServerReply::Finish { key, end, result }) => {
                    let Some(h) = goals.remove(&key) else { continue };
                    let status = match end {
                        GoalEnd::Succeeded => GoalEndStatus::Succeeded,
                        GoalEnd::Aborted => GoalEndStatus::Aborted,
                        GoalEnd::Canceled => GoalEndStatus::Canceled,
                    };
                    let sent = server.send_result_response(h, status, Wire(result));
                    let wait = deadline(RESULT_WAIT);
                    results.push(async move {
                        futures::select! {
                            r = sent.fuse() => r.map_err(|e| format!("{e:?}")),
                            _ = wait.fuse() => Err(format!("no client asked for it within {} s", RESULT_WAIT.as_secs())),
                        }
                        .map_err(|e| (key, e))
                    });
                }
            },
            done = results.select_next_some() => {
                if let Err((key, e)) = done {
                    tracing::warn!(action = name, key, error = %e, "a goal's result was not delivered");
                }
            }
        }
    }
}

/// How often the client thread looks for replies, feedback and commands.
const CLIENT_POLL: Duration = Duration::from_millis(20);
/// A goal not answered within this fails.
const ACCEPT_WAIT: Duration = Duration::from_secs(5);

type ClientEvt<A> = ClientEvent<<A as Action>::Feedback, <A as Action>::Result>;
type Client<A> = ros2_client::action::ActionClient<
    Wire<<A as Action>::Goal>,
    Wire<<A as Action>::Result>,
    Wire<<A as Action>::Feedback>,
>;

/// Creates a client of `name` on `node` and starts its polling thread.
pub(super) fn client<A: Action>(
    node_handle: &Arc<Mutex<Node>>,
    name: &str,
    mapping: ros2_client::ServiceMapping,
) -> Result<ActionClient<A>, BusError> {
    let (resolved, ros_name) = action_name(name)?;
    let (reliable, status) = action_qos();
    let client: Client<A> = node_handle
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .create_action_client(
            mapping,
            &ros_name,
            &ActionTypeName::new(A::package(), A::type_short_name()),
            ActionClientQosPolicies {
                goal_service: reliable.clone(),
                result_service: reliable.clone(),
                cancel_service: reliable.clone(),
                feedback_subscription: reliable,
                status_subscription: status,
            },
        )
        .map_err(|e| BusError::Backend {
            topic: resolved.clone(),
            message: format!("{e:?}"),
        })?;
    let client = Arc::new(client);
    let (events_tx, events_rx) = crossbeam_channel::unbounded();
    let (commands_tx, commands_rx) = crossbeam_channel::unbounded::<ClientCommand<A::Goal>>();
    let polled = client.clone();
    let shown = resolved.clone();
    std::thread::Builder::new()
        .name(format!(
            "embodia-action-client-{}",
            resolved.trim_start_matches('/')
        ))
        .spawn(move || poll_client::<A>(&polled, &shown, &commands_rx, &events_tx))
        .map_err(|e| BusError::Backend {
            topic: resolved.clone(),
            message: e.to_string(),
        })?;
    let node = node_handle.clone();
    let waited = client;
    Ok(ActionClient::new(
        resolved,
        events_rx,
        move |c| commands_tx.send(c).is_ok(),
        move |limit| {
            // The node is held while waiting: call this before the node is busy (start-up).
            let node = node.lock().unwrap_or_else(|p| p.into_inner());
            let found = waited.goal_client().wait_for_service(&node);
            let timeout = deadline(limit);
            futures::executor::block_on(async {
                futures::select! {
                    () = found.fuse() => true,
                    _ = timeout.fuse() => false,
                }
            })
        },
    ))
}

/// The one goal a client has open.
struct Open {
    tag: u64,
    goal_id: ros2_client::action::GoalId,
    state: OpenState,
}

enum OpenState {
    /// Sent at `at`; waiting for the server's answer to request `req`.
    Sent {
        req: ros2_client::service::RmwRequestId,
        at: std::time::Instant,
    },
    /// Accepted; the result was asked for with request `req`.
    Accepted {
        req: ros2_client::service::RmwRequestId,
    },
}

fn poll_client<A: Action>(
    client: &Client<A>,
    name: &str,
    commands: &crossbeam_channel::Receiver<ClientCommand<A::Goal>>,
    events: &crossbeam_channel::Sender<ClientEvt<A>>,
) {
    let mut open: Option<Open> = None;
    let cancel = |o: &Open| {
        if let Err(e) = client.cancel_goal(o.goal_id) {
            tracing::warn!(action = name, tag = o.tag, error = ?e, "could not send a cancel");
        }
    };
    loop {
        match commands.recv_timeout(CLIENT_POLL) {
            Ok(ClientCommand::Send { tag, goal }) => {
                if let Some(o) = open.take() {
                    cancel(&o);
                }
                match client.send_goal(Wire(goal)) {
                    Ok((req, goal_id)) => {
                        open = Some(Open {
                            tag,
                            goal_id,
                            state: OpenState::Sent {
                                req,
                                at: std::time::Instant::now(),
                            },
                        })
                    }
                    Err(e) => {
                        let _ = events.send(ClientEvent::Failed {
                            tag,
                            error: format!("the goal could not be sent: {e:?}"),
                        });
                    }
                }
            }
            Ok(ClientCommand::Cancel { tag }) => {
                if let Some(o) = open.take_if(|o| o.tag == tag) {
                    cancel(&o);
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                if let Some(o) = open.take() {
                    cancel(&o);
                }
                return;
            }
        }
        let Some(o) = open.as_mut() else { continue };
        let (tag, goal_id) = (o.tag, o.goal_id);
        let event = match &o.state {
            OpenState::Sent { req, at } => match client.receive_goal_response(*req) {
                Ok(Some(r)) if r.accepted => match client.request_result(goal_id) {
                    Ok(req) => {
                        o.state = OpenState::Accepted { req };
                        Some(ClientEvent::Accepted { tag })
                    }
                    Err(e) => Some(ClientEvent::Failed {
                        tag,
                        error: format!("the result could not be asked for: {e:?}"),
                    }),
                },
                Ok(Some(_)) => Some(ClientEvent::Rejected { tag }),
                Ok(None) if at.elapsed() > ACCEPT_WAIT => Some(ClientEvent::Failed {
                    tag,
                    error: format!(
                        "{name} did not answer the goal within {} s",
                        ACCEPT_WAIT.as_secs()
                    ),
                }),
                Ok(None) => None,
                Err(e) => Some(ClientEvent::Failed {
                    tag,
                    error: format!("the answer did not decode: {e:?}"),
                }),
            },
            OpenState::Accepted { req } => {
                while let Ok(Some(Wire(feedback))) = client.receive_feedback(goal_id) {
                    let _ = events.send(ClientEvent::Feedback { tag, feedback });
                }
                match client.receive_result(*req) {
                    Ok(Some((status, Wire(result)))) => Some(ClientEvent::Finished {
                        tag,
                        end: match status {
                            ros2_client::action::GoalStatusEnum::Succeeded => GoalEnd::Succeeded,
                            ros2_client::action::GoalStatusEnum::Canceled => GoalEnd::Canceled,
                            _ => GoalEnd::Aborted,
                        },
                        result,
                    }),
                    Ok(None) => None,
                    Err(e) => Some(ClientEvent::Failed {
                        tag,
                        error: format!("the result did not decode: {e:?}"),
                    }),
                }
            }
        };
        if let Some(event) = event {
            let ends = !matches!(
                event,
                ClientEvent::Accepted { .. } | ClientEvent::Feedback { .. }
            );
            if ends {
                open = None;
            }
            if events.send(event).is_err() {
                return;
            }
        }
    }
}
