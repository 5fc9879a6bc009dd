//! CPU time of the calling thread, which moves less than wall time on a
//! shared machine: time spent waiting for a core is not counted.

/// CPU time of this thread in nanoseconds, from
/// `/proc/thread-self/schedstat` (Linux; `None` elsewhere).
pub fn thread_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
