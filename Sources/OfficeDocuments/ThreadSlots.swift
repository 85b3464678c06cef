#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A slot per thread for an object a reader keeps from file to file (its XML parser, its read buffer), held by a
/// pthread key and released when the thread ends.
final class ThreadSlots<Value: AnyObject>: @unchecked Sendable {
    final class Slot {
        var value: Value?
    }

    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<AnyObject>.fromOpaque(pointer).release() }
        }
        precondition(status == 0, "pthread_key_create failed")
        self.key = key
    }

    /// This thread's slot (made on first use).
    var current: Slot {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue() as! Slot
        }
        let slot = Slot()
        pthread_setspecific(key, Unmanaged<AnyObject>.passRetained(slot).toOpaque())
        return slot
    }
}
