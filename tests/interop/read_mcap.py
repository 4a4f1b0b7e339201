"""Reads an embodia recording with Foxglove's independent reader (mcap + mcap-ros2-support)
and prints, as JSON: every channel's topic with its schema name and encoding, how many
messages of /scan, /odom, /cmd_vel and /plan decoded (each one decoded and its fields
touched; the navigator's paths listed with their frame and points), and
per JSON channel (the agent's decisions) how many messages parsed as JSON objects and the
first one of each.

Usage: python read_mcap.py FILE.mcap
"""

import json
import math
import sys

from mcap.reader import make_reader
from mcap_ros2.decoder import DecoderFactory


def main(path):
    counts = {"/scan": 0, "/odom": 0, "/cmd_vel": 0, "/plan": 0}
    checks = {"scan_beams": set(), "odom_frames": set(), "cmd_finite": True}
    paths = []
    with open(path, "rb") as f:
        reader = make_reader(f, decoder_factories=[DecoderFactory()])
        summary = reader.get_summary()
        topics = {}
        for channel in summary.channels.values():
            schema = summary.schemas.get(channel.schema_id)
            topics[channel.topic] = {
                "type": schema.name if schema else None,
                "schema_encoding": schema.encoding if schema else None,
                "encoding": channel.message_encoding,
            }
        metadata = {m.name: dict(m.metadata) for m in reader.iter_metadata()}
        json_topics = [t for t, c in topics.items() if c["encoding"] == "json"]
        json_counts = {t: 0 for t in json_topics}
        json_first = {}
        for _schema, channel, message in reader.iter_messages(topics=json_topics):
            value = json.loads(message.data)
            if not isinstance(value, dict):
                raise SystemExit(f"{channel.topic}: not a JSON object: {value!r}")
            json_counts[channel.topic] += 1
            json_first.setdefault(channel.topic, value)
        for _schema, channel, _message, msg in reader.iter_decoded_messages(
            topics=list(counts)
        ):
            counts[channel.topic] += 1
            if channel.topic == "/scan":
                checks["scan_beams"].add(len(msg.ranges))
            elif channel.topic == "/plan":
                paths.append(
                    {
                        "frame": msg.header.frame_id,
                        "poses": [
                            [p.pose.position.x, p.pose.position.y] for p in msg.poses
                        ],
                    }
                )
            elif channel.topic == "/odom":
                checks["odom_frames"].add(msg.header.frame_id + ">" + msg.child_frame_id)
                _ = msg.pose.pose.position.x + msg.twist.twist.angular.z
            else:
                v = (msg.linear.x, msg.angular.z)
                checks["cmd_finite"] &= all(math.isfinite(x) for x in v)
    checks = {k: sorted(v) if isinstance(v, set) else v for k, v in checks.items()}
    print(
        json.dumps(
            {
                "topics": topics,
                "counts": counts,
                "json_counts": json_counts,
                "paths": paths,
                "json_first": json_first,
                "checks": checks,
                "metadata_names": sorted(metadata),
                "seed": metadata.get("embodia", {}).get("seed"),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
