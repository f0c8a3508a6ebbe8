// Prepared statements or portals by name. The unnamed one, which drivers
// replace on every extended-protocol round trip (Parse/Bind/Execute with ""),
// lives in a field of its own: no hashing of "" and no dictionary update per
// message.

struct NamedSlots<Value>: ExpressibleByDictionaryLiteral {
    private var unnamed: Value?
    private var named: [String: Value] = [:]

    init(dictionaryLiteral elements: (String, Value)...) {
        for (name, value) in elements { self[name] = value }
    }

    subscript(name: String) -> Value? {
        get { name.isEmpty ? unnamed : named[name] }
        set {
            if name.isEmpty { unnamed = newValue } else { named[name] = newValue }
        }
    }

    /// The slots whose name and value pass `isIncluded`, the unnamed one as "".
    func filter(_ isIncluded: ((key: String, value: Value)) -> Bool) -> NamedSlots {
        var kept = NamedSlots()
        if let unnamed, isIncluded((key: "", value: unnamed)) { kept.unnamed = unnamed }
        if !named.isEmpty { kept.named = named.filter { isIncluded((key: $0.key, value: $0.value)) } }
        return kept
    }

    var count: Int { named.count + (unnamed == nil ? 0 : 1) }
}
