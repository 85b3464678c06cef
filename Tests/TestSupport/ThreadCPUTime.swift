import Foundation

/// CPU seconds the calling thread has used: a bound on work done on one thread that the rest of a parallel test run
/// (and other programs on a shared machine) cannot break, as they can a wall-clock bound.
public func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
