// The session settings every statement reads, parsed once: building each
// statement's context used to re-parse TimeZone and memory_limit from their
// text, which on a short statement (SELECT 1 over the wire) cost more than
// running it. Session.settings drops the cache whenever it changes (SET,
// RESET, set_config, startup parameters), so the parsed values never go stale.

import Execution

struct ParsedSettings {
    let timeZoneOffsetSeconds: Int
    let timeZoneName: String
    /// Bytes; 0 is no limit.
    let memoryLimit: Int
    let parallelism: Int

    init(_ settings: [String: String]) {
        timeZoneName = settings["timezone"] ?? "UTC"
        timeZoneOffsetSeconds = TimeZoneSetting.offsetSeconds(timeZoneName) ?? 0
        memoryLimit = MemorySetting.bytes(settings["memory_limit"] ?? "0") ?? 0
        parallelism = max(1, Int(settings["threads"] ?? "") ?? availableCores)
    }
}

extension Session {
    var parsedSettings: ParsedSettings {
        if let cached = parsedSettingsCache { return cached }
        let parsed = ParsedSettings(settings)
        parsedSettingsCache = parsed
        return parsed
    }
}
