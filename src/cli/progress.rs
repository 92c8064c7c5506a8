//! Progress on stderr for work that takes more than a couple of seconds (a 100-million-row scan,
//! a Spark job, many periods): a spinner with the step and the time elapsed, shown only when
//! stderr is a terminal and only once the work has run for two seconds; never in a pipe or a log.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How long work runs before its progress shows.
const QUIET: Duration = Duration::from_secs(2);

/// A spinner for one command's work.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Starts counting; the spinner appears after [`QUIET`] if stderr is a terminal.
    pub fn start(message: String) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message(message);
        if std::io::stderr().is_terminal() {
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(QUIET);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// Names the step under way.
    pub fn step(&self, message: String) {
        self.bar.set_message(message);
    }
}

impl Drop for Progress {
    /// Ends the spinner and clears its line, also when the work failed, before anything else
    /// is printed.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
