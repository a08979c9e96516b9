import Security
import XCTest
@testable import SamtalKit

final class KeychainVaultTests: XCTestCase {
    func testKeysAreRandomMadeOnceAndDeleted() throws {
        let vault = KeychainVault(service: "app.samtal.tests.\(UUID().uuidString)")
        defer { try? vault.destroy() }
        let key = try vault.getOrCreate(alias: "db")
        XCTAssertEqual(key.count, 32)
        XCTAssertEqual(try vault.getOrCreate(alias: "db"), key)
        XCTAssertNotEqual(try vault.getOrCreate(alias: "session"), key)
        try vault.delete(alias: "db")
        XCTAssertNil(try vault.get(alias: "db"))
    }

    func testKeysAreThisDeviceOnlyWhenUnlockedAndNotSynchronised() throws {
        let vault = KeychainVault(service: "app.samtal.tests.\(UUID().uuidString)")
        defer { try? vault.destroy() }
        _ = try vault.getOrCreate(alias: "db")
        let attributes = try XCTUnwrap(vault.attributes(alias: "db"))
        XCTAssertEqual(attributes[kSecAttrAccessible as String] as? String, kSecAttrAccessibleWhenUnlockedThisDeviceOnly as String)
        XCTAssertNotEqual(attributes[kSecAttrSynchronizable as String] as? Bool, true)
    }

    func testDestroyRemovesEveryKey() throws {
        let vault = KeychainVault(service: "app.samtal.tests.\(UUID().uuidString)")
        _ = try vault.getOrCreate(alias: "db")
        _ = try vault.getOrCreate(alias: "tls")
        try vault.destroy()
        XCTAssertNil(try vault.get(alias: "db"))
        XCTAssertNil(try vault.get(alias: "tls"))
    }
}
