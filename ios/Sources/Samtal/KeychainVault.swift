import Foundation
import Security
import SamtalFFI

/// Samtal's keys in the iOS Keychain: this device only, readable after the first unlock,
/// never synced to iCloud or restored to another phone.
public final class KeychainVault: KeyVault {
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
        default: throw SamtalError.Platform(message: "Keychain read failed (\(status))")
        }
    }

    public func getOrCreate(alias: String) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        if let key = try get(alias: alias) { return key }
        var key = Data(count: 32)
        let rc = key.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        guard rc == errSecSuccess else {
            throw SamtalError.Platform(message: "no secure random bytes (\(rc))")
        }
        var add = baseQuery(alias)
        add[kSecValueData as String] = key
        add[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw SamtalError.Platform(message: "Keychain write failed (\(status))")
        }
        return key
    }

    public func delete(alias: String) throws {
        let status = SecItemDelete(baseQuery(alias) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw SamtalError.Platform(message: "Keychain delete failed (\(status))")
        }
    }

    private func baseQuery(_ alias: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: alias,
            kSecAttrSynchronizable as String: false,
        ]
    }
}
