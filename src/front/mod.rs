//! What every front end of the audit shares, the command line (the `fairaudit` binary) and the
//! Python package alike: the audit's options as a user gives them ([`options`]) and an error
//! as the one line the user reads.

pub mod options;

/// An error and its causes on one line, each cause once (an error that prints its source is not
/// followed by the same text again).
pub fn one_line(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
    }
    message.replace('\n', " ")
}
