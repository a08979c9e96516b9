import XCTest
@testable import Samtal

final class KeychainVaultTests: XCTestCase {
    func testKeysAreCreatedOnceAndDeleted() throws {
        let vault = KeychainVault(service: "app.samtal.tests.\(UUID().uuidString)")
        let key = try vault.getOrCreate(alias: "samtal-db")
        XCTAssertEqual(key.count, 32)
        XCTAssertEqual(try vault.getOrCreate(alias: "samtal-db"), key)
        try vault.delete(alias: "samtal-db")
        XCTAssertNil(try vault.get(alias: "samtal-db"))
    }
}
