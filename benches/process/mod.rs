//! Whole-process measurements for the benchmarks that run the `fairaudit` binary.

use std::process::Command;
use std::time::{Duration, Instant};

/// Wall time and peak resident memory (bytes) of a command run to completion.
pub fn measured(command: &mut Command) -> (Duration, u64) {
    let start = Instant::now();
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waits for the child just spawned; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    assert_eq!(status, 0, "{command:?} failed");
    (start.elapsed(), usage.ru_maxrss as u64 * 1024)
}
