"""The agent as a ROS 2 node against whatever publishes the robot's topics (a real robot)."""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare


def generate_launch_description():
    share = FindPackageShare("embodia")
    places = LaunchConfiguration("places")
    params = LaunchConfiguration("params_file")
    use_sim_time = LaunchConfiguration("use_sim_time")
    return LaunchDescription([
        DeclareLaunchArgument("places", default_value=PathJoinSubstitution([share, "launch", "places.yaml"])),
        DeclareLaunchArgument("params_file", default_value=PathJoinSubstitution([share, "launch", "params", "embodia.yaml"])),
        DeclareLaunchArgument("use_sim_time", default_value="false"),
        Node(
            package="embodia",
            executable="embodia",
            name="embodia",
            output="screen",
            arguments=["agent", "--places", places],
            parameters=[params, {"use_sim_time": use_sim_time}],
        ),
    ])
