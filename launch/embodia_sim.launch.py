"""embodia's own simulator as a DDS node, and the agent against it, as two processes."""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    share = FindPackageShare("embodia")
    world = LaunchConfiguration("world")
    return LaunchDescription([
        DeclareLaunchArgument("world", default_value=PathJoinSubstitution([share, "launch", "worlds", "apartment.yaml"])),
        ExecuteProcess(
            cmd=["embodia", "sim", "--dds", "--realtime", "--world", world, "--duration", "86400"],
            output="screen",
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
