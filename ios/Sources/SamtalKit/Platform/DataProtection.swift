import Foundation

/// The app's data directories: complete file protection (unreadable while the phone is
/// locked, like the entitlement's default for every file the app makes) and kept out of
/// iCloud and computer backups.
public enum DataProtection {
    public static func prepare(_ dir: URL) throws {
        let files = FileManager.default
        let complete: [FileAttributeKey: Any] = [.protectionKey: FileProtectionType.complete]
        do {
            try files.createDirectory(at: dir, withIntermediateDirectories: true, attributes: complete)
            try files.setAttributes(complete, ofItemAtPath: dir.path)
            for file in files.enumerator(at: dir, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [] {
                try files.setAttributes(complete, ofItemAtPath: file.path)
            }
            var values = URLResourceValues()
            values.isExcludedFromBackup = true
            var url = dir
            try url.setResourceValues(values)
        } catch {
            throw CoreError(.storage, "the app's data folder could not be protected (\((error as NSError).code))")
        }
    }

    /// Files below `dir` whose protection is not complete (none, after `prepare`).
    public static func unprotected(in dir: URL) -> [URL] {
        let files = FileManager.default
        let all = [dir] + (files.enumerator(at: dir, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
        return all.filter { url in
            let protection = (try? files.attributesOfItem(atPath: url.path))?[.protectionKey] as? FileProtectionType
            return protection != .complete
        }
    }
}
