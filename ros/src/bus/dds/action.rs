//! Actions on DDS: ros2-client's action server, run on a thread of its own.
//!
//! ros2-client keeps the goal state machine and speaks the protocol (the three services, the
//! feedback and status topics); this module only turns its async calls into the
//! backend-neutral [`ActionServer`] handle. Every goal is accepted and set executing on
//! arrival; a cancel request for a goal of ours is accepted (the goal shows CANCELING) and
//! passed on, and the node finishes the goal once it has stopped.

use std::collections::HashMap;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use ros2_client::action::{
    ActionServerQosPolicies, AsyncActionServer, ExecutingGoalHandle, GoalEndStatus,
};
use ros2_client::qos::{Durability, History, QosProfile as RQos, Reliability, WhenFull};
use ros2_client::{ActionTypeName, Name, Node};
use serde::{Deserialize, Serialize};

use crate::action::{
    Action, ActionServer, GoalEnd, GoalKey, ServerEvent, ServerReply, server_channels,
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
type Reply<A> = ServerReply<<A as Action>::Feedback, <A as Action>::Result>;

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
    let (events_tx, events_rx) = server_channels::<A>();
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
