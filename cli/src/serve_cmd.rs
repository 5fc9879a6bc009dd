//! `comment-sieve serve`: the moderation service ([`comment_sieve::serve`]).

use std::path::PathBuf;

use comment_sieve::serve::{self, Options, ServeConfig};

/// Options of `serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on (default 127.0.0.1:8080; a
    /// non-loopback address needs --config with API keys).
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<String>,
    /// Folder of the durable state (SQLite); without it the state is in
    /// memory and lost at exit.
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// JSON config file (hashed API keys, rate limits, limits, policy).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Model file (default: the embedded model; a snapshot in --state
    /// takes precedence).
    #[arg(long, value_name = "PATH")]
    model: Option<PathBuf>,
    /// An API key clients must send (repeatable; also
    /// COMMENT_SIEVE_API_KEYS, comma-separated).
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// A Coral External Moderation signing secret (repeatable, for
    /// rotation; also COMMENT_SIEVE_CORAL_SECRETS).
    #[arg(long = "coral-secret", value_name = "SECRET")]
    coral_secrets: Vec<String>,
}

/// Runs the service until SIGINT or SIGTERM.
pub fn run(a: ServeArgs) -> comment_sieve::Result<()> {
    let opts = Options {
        listen: a.listen,
        state: a.state,
        config: a.config,
        model: a.model,
        api_keys: a.api_keys,
        coral_secrets: a.coral_secrets,
    };
    let cfg = ServeConfig::from_options(&opts, |k| std::env::var(k).ok())?;
    serve::run(cfg)
}
