import Foundation

/// A UI text from the catalogue (ui-text/strings.toml, generated into Localizable.strings),
/// formatted with `args` when it has placeholders. Keys are literals so the build can check them.
func L(_ key: String, _ args: CVarArg...) -> String {
    let format = Bundle.main.localizedString(forKey: key, value: nil, table: nil)
    return args.isEmpty ? format : String(format: format, locale: Locale.current, arguments: args)
}

/// Minutes and seconds, as a recording timer shows them.
func clock(_ seconds: Double) -> String {
    let s = Int(seconds)
    return String(format: "%d:%02d", s / 60, s % 60)
}
