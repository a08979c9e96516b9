// swift-tools-version:5.9
// The Samtal Swift package: the generated UniFFI bindings (ios/Generated, made by
// `make bindings`; the XCFramework only on macOS) and the shell's platform services.
import PackageDescription

let package = Package(
    name: "Samtal",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "Samtal", targets: ["Samtal"]),
    ],
    targets: [
        .binaryTarget(name: "SamtalFFIFFI", path: "Generated/SamtalFFI.xcframework"),
        .target(name: "SamtalFFI", dependencies: ["SamtalFFIFFI"], path: "Generated/Sources/SamtalFFI"),
        .target(name: "Samtal", dependencies: ["SamtalFFI"], path: "Sources/Samtal"),
        .testTarget(name: "SamtalTests", dependencies: ["Samtal"], path: "Tests/SamtalTests"),
    ]
)
