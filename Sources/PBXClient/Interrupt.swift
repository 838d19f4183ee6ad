import CCurl
import Foundation

/// Ctrl-C (SIGINT or SIGTERM), the one way any loop asks whether to stop. The signal
/// handler in CCurl only sets a flag (nothing else is async-signal-safe), so loops poll
/// it; a watchdog there ends the process 80 ms after the signal if they have not, which
/// is why every poll and sleep here is a few milliseconds apart at most.
public struct Interrupt: Sendable {
    /// The process's own Ctrl-C.
    public static let process = Interrupt(requested: { pbx_interrupt_requested() != 0 })

    /// How long a sleep goes without looking at the flag: far inside the watchdog's
    /// 80 ms, so a loop unwinds on its own and reports the interruption itself.
    static let pollInterval = 0.01

    private let requested: @Sendable () -> Bool

    /// An interrupt read from `requested`; for tests, which cannot send themselves a
    /// signal without the watchdog ending them.
    public init(requested: @escaping @Sendable () -> Bool) {
        self.requested = requested
    }

    public var isRequested: Bool { requested() }

    /// Throws the interruption (exit 130) once Ctrl-C was pressed.
    public func check() throws {
        if requested() { throw APIError(kind: .interrupted, message: "interrupted") }
    }

    /// Sleeps `seconds` on `clock`, or until `deadline` if that comes first; Ctrl-C
    /// ends the sleep within `pollInterval` and is thrown, before or after it as well.
    /// A test's manual clock makes the same loop return at once.
    public func sleep(_ seconds: Double, deadline: Date? = nil, clock: Clock = SystemClock()) throws {
        var wake = clock.now.addingTimeInterval(max(0, seconds))
        if let deadline, deadline < wake { wake = deadline }
        while true {
            try check()
            let left = wake.timeIntervalSince(clock.now)
            if left <= 0 { return }
            clock.sleep(min(left, Self.pollInterval))
        }
    }

    /// Blocks until Ctrl-C: for a command whose normal end it is (the sandbox).
    public func wait() {
        while !requested() { usleep(useconds_t(Self.pollInterval * 1_000_000)) }
    }

    /// Installs the SIGINT/SIGTERM handler and its watchdog, once, before any work.
    public static func installHandler() {
        pbx_install_sigint_handler()
    }

    /// Tells the watchdog the interruption was reported, so it does not say it twice.
    public static func markReported() {
        pbx_interrupt_mark_reported()
    }

    /// A partial file the watchdog removes if it has to end the process; `forget` it
    /// once the file is complete or gone. Nil when every slot is taken.
    public static func removeOnKill(_ path: String) -> Int32? {
        let slot = pbx_cleanup_register(path)
        return slot >= 0 ? slot : nil
    }

    public static func forget(_ slot: Int32?) {
        if let slot { pbx_cleanup_unregister(slot) }
    }

    /// Forgets a Ctrl-C that was handled as a command's normal end.
    public static func clear() {
        pbx_interrupt_clear()
    }
}
