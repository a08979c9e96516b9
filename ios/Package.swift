// swift-tools-version:5.9
// SamtalKit: the iOS app's adapter over the generated UniFFI bindings (ios/Generated, made by
// `make bindings`; the XCFramework is built on macOS by `make ios`), its platform services
// and its view models. The SwiftUI app itself (ios/App) is built from project.yml.
import PackageDescription

let package = Package(
    name: "Samtal",
    defaultLocalization: "sv",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "SamtalKit", targets: ["SamtalKit"]),
    ],
    targets: [
        .binaryTarget(name: "SamtalFFIFFI", path: "Generated/SamtalFFI.xcframework"),
        .target(name: "SamtalFFI", dependencies: ["SamtalFFIFFI"], path: "Generated/Sources/SamtalFFI"),
        .target(name: "SamtalKit", dependencies: ["SamtalFFI"], path: "Sources/SamtalKit"),
        .testTarget(name: "SamtalKitTests", dependencies: ["SamtalKit"], path: "Tests/SamtalKitTests"),
    ]
)
