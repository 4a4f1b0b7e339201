//! `embodia`: the command line. `main` wires logging and exit codes; the commands work.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
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
    let node = matches!(args.get(1).map(String::as_str), Some("agent" | "sim"));
    let rust_log = std::env::var("RUST_LOG").ok();
    let directives =
        match cli::logging::directives(rust_log.as_deref(), ros_args.log_level.as_deref(), node) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("embodia: error: {e}");
                return ExitCode::from(2);
            }
        };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&directives)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut clap_args = args[..split].to_vec();
    clap_args.extend(ros_args.program_args.iter().cloned());
    match cli::run(cli::Cli::parse_from(clap_args), &ros_args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if cli::diverged(&e) => ExitCode::from(1),
        Err(e) => {
            eprintln!("embodia: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
