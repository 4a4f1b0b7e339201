//! `embodia`: the command line. `main` wires logging and exit codes; the commands work.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // What ROS 2 launch appends (`--ros-args ...`) is parsed by embodia_ros::args, not clap.
    let args: Vec<String> = std::env::args().collect();
    let split = args
        .iter()
        .position(|a| a == "--ros-args")
        .unwrap_or(args.len());
    let ros_args = match embodia_ros::args::RosArgs::parse(&args[split..], "embodia") {
        Ok(r) => r,
        Err(e) => {
            eprintln!("embodia: error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut clap_args = args[..split].to_vec();
    clap_args.extend(ros_args.program_args.iter().cloned());
    match cli::run(cli::Cli::parse_from(clap_args), &ros_args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<cli::replay::Diverged>().is_some() => ExitCode::from(1),
        Err(e) => {
            eprintln!("embodia: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
