"""The agent on a robot that runs Nav2 (Jazzy): navigate_to sends Nav2 goals, and the safety gate
sits where Nav2's collision monitor would publish /cmd_vel.

    controller_server --cmd_vel_nav--> velocity_smoother --cmd_vel_smoothed--> collision_monitor
        --cmd_vel_monitored--> embodia (safety gate) --/cmd_vel--> wheels

Nav2's bringup remaps the controller's output to cmd_vel_nav; the collision monitor's output
topic is rewritten here from cmd_vel to cmd_vel_monitored, which only the agent reads. The gate
alone publishes /cmd_vel, so everything that reaches the wheels passed it. (Jazzy's
docking_server publishes cmd_vel itself: remap or leave it out when docking is used.)
"""

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare
from nav2_common.launch import RewrittenYaml

# The topic between Nav2's collision monitor and the agent's gate.
GATE_IN = "cmd_vel_monitored"


def generate_launch_description():
    share = FindPackageShare("embodia")
    nav2 = FindPackageShare("nav2_bringup")
    places = LaunchConfiguration("places")
    params = LaunchConfiguration("params_file")
    nav2_params = LaunchConfiguration("nav2_params_file")
    use_sim_time = LaunchConfiguration("use_sim_time")
    nav2_rewritten = RewrittenYaml(
        source_file=nav2_params,
        param_rewrites={"cmd_vel_out_topic": GATE_IN},
        convert_types=True,
    )
    return LaunchDescription([
        # A real robot's named places and keep-out zones in the map frame (not a simulator world).
        DeclareLaunchArgument("places", default_value=PathJoinSubstitution([share, "launch", "places.yaml"])),
        DeclareLaunchArgument("params_file", default_value=PathJoinSubstitution([share, "launch", "params", "embodia.yaml"])),
        DeclareLaunchArgument("nav2_params_file", default_value=PathJoinSubstitution([nav2, "params", "nav2_params.yaml"])),
        DeclareLaunchArgument("use_sim_time", default_value="false"),
        IncludeLaunchDescription(
            PythonLaunchDescriptionSource(PathJoinSubstitution([nav2, "launch", "navigation_launch.py"])),
            launch_arguments={
                "params_file": nav2_rewritten,
                "use_sim_time": use_sim_time,
            }.items(),
        ),
        Node(
            package="embodia",
            executable="embodia",
            name="embodia",
            output="screen",
            arguments=["agent", "--places", places],
            parameters=[params, {
                "use_sim_time": use_sim_time,
                "navigation": "nav2",
                "nav2_action": "/navigate_to_pose",
                "topics.nav2_cmd_vel": "/" + GATE_IN,
                "topics.cmd_vel": "/cmd_vel",
            }],
        ),
    ])
