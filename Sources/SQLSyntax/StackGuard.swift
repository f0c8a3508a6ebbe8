// Native stack-headroom check for the recursive-descent parser, in the spirit
// of PostgreSQL's check_stack_depth(): the parser's depth counter bounds the
// AST, but how many nested levels fit depends on the thread's stack size
// (and on frame sizes, which are far larger in debug builds). So once nesting
// gets deep, the parser compares the address of a local variable with the
// current thread's stack bounds and stops with 54001 before running out.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct StackGuard {
    /// Lowest address the parser may use (stack bottom plus a safety margin); 0 when unknown.
    let limit: UInt

    /// Stack kept free for the frames between two checks and for building the error.
    static let margin: UInt = 160 * 1024

    #if os(Linux)
    typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
    /// glibc's pthread_getattr_np, looked up at run time because the Glibc module hides GNU extensions.
    static let getAttributes: GetAttributes? = {
        guard let symbol = dlsym(nil, "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: GetAttributes.self)
    }()
    #endif

    init() {
        var low: UInt = 0
        #if os(Linux)
        var attr = pthread_attr_t()
        if let getAttributes = StackGuard.getAttributes, getAttributes(pthread_self(), &attr) == 0 {
            var address: UnsafeMutableRawPointer? = nil
            var size = 0
            if pthread_attr_getstack(&attr, &address, &size) == 0, let address {
                low = UInt(bitPattern: address)
            }
            pthread_attr_destroy(&attr)
        }
        #elseif canImport(Darwin)
        let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
        let size = UInt(pthread_get_stacksize_np(pthread_self()))
        if top > size { low = top - size }
        #endif
        limit = low == 0 ? 0 : low + StackGuard.margin
    }

    /// True while the current stack pointer is safely above the limit.
    @inline(never)
    func hasRoom() -> Bool {
        guard limit != 0 else { return true }
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return here > limit
    }
}
