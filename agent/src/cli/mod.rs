//! Command-line interface: one module per subcommand.

use clap::{Parser, Subcommand};

mod sim;

/// An embodied agent for mobile robots over ROS 2.
#[derive(Debug, Parser)]
#[command(name = "embodia", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the built-in simulator alone (optionally driven open-loop with --teleop).
    Sim(sim::SimArgs),
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Sim(args) => sim::run(args),
    }
}
