"""Gazebo (Harmonic) with a diff-drive robot and a lidar, ros_gz_bridge with
launch/gz_bridge.yaml, and the agent with simulated time. Gazebo gives no /map or /detections:
run a map_server with a map of the world and a detector node alongside (see README)."""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    share = FindPackageShare("embodia")
    gz_world = LaunchConfiguration("gz_world")
    world = LaunchConfiguration("world")
    return LaunchDescription([
        DeclareLaunchArgument(
            "gz_world",
            default_value=PathJoinSubstitution([share, "launch", "gazebo", "apartment.sdf"]),
            description="Gazebo world SDF with a model named embodia_robot (make one from a world file with `embodia world-sdf`)",
        ),
        DeclareLaunchArgument("world", default_value=PathJoinSubstitution([share, "launch", "worlds", "apartment.yaml"])),
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(PathJoinSubstitution([FindPackageShare("ros_gz_sim"), "launch", "gz_sim.launch.py"])),
            launch_arguments={"gz_args": ["-r ", gz_world]}.items(),
        ),
        Node(
            package="ros_gz_bridge",
            executable="parameter_bridge",
            output="screen",
            parameters=[{"config_file": PathJoinSubstitution([share, "launch", "gz_bridge.yaml"]), "use_sim_time": True}],
        ),
        Node(
            package="embodia",
            executable="embodia",
            name="embodia",
            output="screen",
            arguments=["agent", "--world", world],
            parameters=[PathJoinSubstitution([share, "launch", "params", "embodia.yaml"]), {"use_sim_time": True}],
        ),
    ])
