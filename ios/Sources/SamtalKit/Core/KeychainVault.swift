import Foundation
import SamtalFFI
import Security

/// The core's 32-byte keys (database, spool, sign-in, TLS sealing) in the iOS Keychain:
/// readable only while the phone is unlocked, on this device only, never synchronised to
/// iCloud Keychain and never restored from a backup to another phone.
public final class KeychainVault: SamtalFFI.KeyVault, @unchecked Sendable {
    private let service: String
    private let lock = NSLock()

    public init(service: String = "app.samtal.keys") {
        self.service = service
    }

    public func get(alias: String) throws -> Data? {
        var query = baseQuery(alias)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess: return item as? Data
        case errSecItemNotFound: return nil
        case errSecInteractionNotAllowed:
            throw SamtalFFI.SamtalError.Platform(reason: "the keys can only be read while the phone is unlocked")
        default: throw SamtalFFI.SamtalError.Platform(reason: "Keychain read failed (\(status))")
        }
    }

    public func getOrCreate(alias: String) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        if let key = try get(alias: alias) { return key }
        var bytes = [UInt8](repeating: 0, count: 32)
        let rc = SecRandomCopyBytes(kSecRandomDefault, bytes.count, &bytes)
        guard rc == errSecSuccess else {
            throw SamtalFFI.SamtalError.Platform(reason: "no secure random bytes (\(rc))")
        }
        let key = Data(bytes)
        var add = baseQuery(alias)
        add[kSecValueData as String] = key
        add[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw SamtalFFI.SamtalError.Platform(reason: "Keychain write failed (\(status))")
        }
        return key
    }

    public func delete(alias: String) throws {
        let status = SecItemDelete(baseQuery(alias) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw SamtalFFI.SamtalError.Platform(reason: "Keychain delete failed (\(status))")
        }
    }

    /// Removes every key of this vault (after the core's own wipe).
    public func destroy() throws {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
        ]
        let status = SecItemDelete(query as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw CoreError(.platform, "Keychain delete failed (\(status))")
        }
    }

    /// The attributes of a key as stored, for the tests of its protection class.
    func attributes(alias: String) -> [String: Any]? {
        var query = baseQuery(alias)
        query[kSecReturnAttributes as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess else { return nil }
        return item as? [String: Any]
    }

    private func baseQuery(_ alias: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: alias,
            kSecAttrSynchronizable as String: kCFBooleanFalse as Any,
        ]
    }
}
