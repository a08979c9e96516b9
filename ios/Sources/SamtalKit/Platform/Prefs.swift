import Foundation

/// The app's few settings; never content (no names of citizens, no text).
public final class Prefs {
    private let defaults: UserDefaults

    public init(defaults: UserDefaults = .standard) {
        self.defaults = defaults
    }

    public var worker: String {
        get { defaults.string(forKey: "worker") ?? "" }
        set { defaults.set(newValue, forKey: "worker") }
    }

    public var deviceId: String? {
        get { defaults.string(forKey: "device") }
        set { defaults.set(newValue, forKey: "device") }
    }

    public var endpoint: String {
        get { defaults.string(forKey: "endpoint") ?? "" }
        set { defaults.set(newValue, forKey: "endpoint") }
    }

    /// The meeting language and template of a session, needed again after a restart.
    public func language(_ session: String) -> String { defaults.string(forKey: "lang.\(session)") ?? "sv" }

    public func template(_ session: String) -> String? { defaults.string(forKey: "template.\(session)") }

    public func remember(_ session: String, language: String, template: String) {
        defaults.set(language, forKey: "lang.\(session)")
        defaults.set(template, forKey: "template.\(session)")
    }

    public func forget(_ session: String) {
        defaults.removeObject(forKey: "lang.\(session)")
        defaults.removeObject(forKey: "template.\(session)")
    }

    public func clear() {
        let ours = defaults.dictionaryRepresentation().keys.filter { key in
            ["worker", "device", "endpoint"].contains(key) || key.hasPrefix("lang.") || key.hasPrefix("template.")
        }
        for key in ours {
            defaults.removeObject(forKey: key)
        }
    }
}
